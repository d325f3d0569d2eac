import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { AuditLog } from '../audit/audit.log';
import type { User } from '../auth/roles';
import { ConflictError, NotFoundError } from '../http/errors';
import { queryTokens } from '../../search/persian';
import type { SearchIndex } from '../../search/search-index';
import type { SynonymGroupInput } from './synonyms.schema';

export interface SynonymGroup {
  id: number;
  terms: string[];
}

/** The same group whatever the order, spelling variants or case of its terms. */
const groupKey = (terms: string[]): string => terms.map((term) => queryTokens(term).join('')).sort().join('\n');

/**
 * Synonym groups: kept in the metadata database, edited by the secretariat (audited), and given to
 * the search index whole at start-up and after every change. They only widen what a query means,
 * never who may see what: the index applies visibility to every match.
 */
export class SynonymsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly index: Pick<SearchIndex, 'setSynonyms'>,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  list(): SynonymGroup[] {
    const rows = this.db.prepare('SELECT id, terms FROM synonym_groups ORDER BY id').all() as { id: number; terms: string }[];
    return rows.map((row) => ({ id: row.id, terms: JSON.parse(row.terms) as string[] }));
  }

  async create(actor: User, input: SynonymGroupInput): Promise<SynonymGroup> {
    const group = this.db.transaction(() => {
      const key = groupKey(input.terms);
      if (this.list().some((existing) => groupKey(existing.terms) === key)) throw new ConflictError('this synonym group exists already', 'synonym_group_exists');
      const id = Number(this.db.prepare('INSERT INTO synonym_groups (terms, created_at) VALUES (?, ?)').run(JSON.stringify(input.terms), nowIso()).lastInsertRowid);
      this.audit.record(actor, 'synonyms.created', { target: `synonyms:${id}`, details: { terms: input.terms } });
      return { id, terms: input.terms };
    })();
    await this.pushAfterChange();
    return group;
  }

  async remove(actor: User, id: number): Promise<void> {
    this.db.transaction(() => {
      const row = this.db.prepare('SELECT terms FROM synonym_groups WHERE id = ?').get(id) as { terms: string } | undefined;
      if (!row) throw new NotFoundError('no such synonym group');
      this.db.prepare('DELETE FROM synonym_groups WHERE id = ?').run(id);
      this.audit.record(actor, 'synonyms.deleted', { target: `synonyms:${id}`, details: { terms: JSON.parse(row.terms) as string[] } });
    })();
    await this.pushAfterChange();
  }

  /** Gives the index every group (at start-up: a refusal stops the start, as an unreachable engine does). */
  async push(): Promise<void> {
    await this.index.setSynonyms(this.list().map((group) => group.terms));
  }

  /** After a change the group is saved whatever the engine says; if it cannot take it now, the next change or start gives it again. */
  private async pushAfterChange(): Promise<void> {
    try {
      await this.push();
    } catch (error) {
      this.log(`synonyms saved but not yet given to the search index: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
