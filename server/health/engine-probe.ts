import type { Db } from '../db/database';

/** Checks that a configured engine answers; used at start-up and by /healthz. */
export interface EngineProbe {
  readonly kind: string;
  ping(): Promise<void>;
}

/** The embedded search engine lives in the metadata database, so it answers whenever the database does. */
export class EmbeddedSearchProbe implements EngineProbe {
  readonly kind = 'sqlite';
  constructor(private readonly db: Db) {}

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }
}

/** Meilisearch's documented `GET /health`; the search adapter itself arrives with the search issue. */
export class MeilisearchProbe implements EngineProbe {
  readonly kind = 'meilisearch';
  constructor(private readonly url: string) {}

  async ping(): Promise<void> {
    const response = await fetch(new URL('/health', this.url), { signal: AbortSignal.timeout(3000) });
    if (!response.ok) throw new Error(`Meilisearch at ${this.url} answered ${response.status}`);
  }
}
