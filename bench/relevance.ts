/**
 * Relevance of each search engine on a written corpus (bench/relevance/corpus.ts) and a judged set
 * of queries (bench/relevance/queries.ts): for every query, recall@5 (the share of its relevant
 * documents, at most five, that are among the first five hits), its reciprocal rank (1 / the rank
 * of the first relevant hit in the first 20, 0 if none) and wrong@5 (documents it must not show in
 * the first five: an excluded word, a phrase whose words stand apart). Averages per category and
 * overall, per engine.
 *
 *   npm run bench:relevance                  the SQLite FTS5 index (in memory)
 *   MEILI_URL=… MEILI_API_KEY=… npm run bench:relevance    also Meilisearch (a throw-away index)
 *   npm run bench:relevance -- --verbose     every query with its first five hits
 *
 * Every document is a published portal document and the searcher is the secretariat, so
 * visibility plays no part. Documents carry their labels (the Persian and English names of their
 * city, kind and hazards) and the index is given the seeded synonym groups when it takes them.
 */
import { randomBytes } from 'node:crypto';
import { Meilisearch } from 'meilisearch';
import { FtsSearchIndex } from '../search/fts-search-index';
import { MeilisearchSearchIndex } from '../search/meilisearch-search-index';
import type { IndexedDocument, SearchIndex } from '../search/search-index';
import { CITIES, HAZARDS, KINDS } from '../server/db/seed/vocabulary';
import { SEED_SYNONYMS } from '../server/db/seed/synonyms';
import { CORPUS, type CorpusDocument } from './relevance/corpus';
import { QUERIES, type Category, type RelevanceQuery } from './relevance/queries';

const TOP = 5;
const DEPTH = 20;

interface Scored {
  query: RelevanceQuery;
  hits: string[];
  recall: number;
  reciprocalRank: number;
  wrong: number;
  relaxed: boolean;
}

function labelsOf(doc: CorpusDocument): string[] {
  const names = (list: readonly { id: string; fa: string; en: string }[], id: string) => {
    const term = list.find((t) => t.id === id);
    return term ? [term.fa, term.en] : [];
  };
  return [...names(CITIES, doc.city), ...names(KINDS, doc.kind), ...doc.hazards.flatMap((h) => names(HAZARDS, h))];
}

function indexedDocument(doc: CorpusDocument, i: number): IndexedDocument {
  return {
    id: doc.id,
    title: doc.title,
    summary: doc.summary,
    keywords: doc.keywords,
    city: doc.city,
    kind: doc.kind,
    hazards: doc.hazards,
    year: doc.year,
    resolutions: [],
    fileType: 'pdf',
    status: 'published',
    access: 'portal',
    sharedWith: [],
    updatedAt: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
    pages: doc.pages.map((text, p) => ({ page: p + 1, text })),
    labels: labelsOf(doc),
  };
}

async function measure(index: SearchIndex): Promise<Scored[]> {
  await index.init();
  await index.clear();
  const withSynonyms = index as SearchIndex & { setSynonyms?: (groups: string[][]) => Promise<void> };
  if (typeof withSynonyms.setSynonyms === 'function') await withSynonyms.setSynonyms(SEED_SYNONYMS.map((group) => [...group.terms]));
  for (const [i, doc] of CORPUS.entries()) await index.upsert(indexedDocument(doc, i));
  const scored: Scored[] = [];
  for (const query of QUERIES) {
    const result = await index.search({ role: 'secretariat', city: null }, { q: query.q, filters: {}, sort: 'relevance', page: 1, perPage: DEPTH });
    const hits = result.hits.map((hit) => hit.id);
    const top = hits.slice(0, TOP);
    const found = query.relevant.filter((id) => top.includes(id)).length;
    const firstRelevant = hits.findIndex((id) => query.relevant.includes(id));
    scored.push({
      query,
      hits,
      recall: found / Math.min(query.relevant.length, TOP),
      reciprocalRank: firstRelevant < 0 ? 0 : 1 / (firstRelevant + 1),
      wrong: (query.wrong ?? []).filter((id) => top.includes(id)).length,
      relaxed: (result as { relaxed?: boolean }).relaxed === true,
    });
  }
  return scored;
}

const mean = (values: number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);
const fixed = (value: number): string => value.toFixed(2);

function report(engine: string, scored: Scored[], verbose: boolean): void {
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  out(`## ${engine}`);
  out();
  out('| category | queries | recall@5 | MRR | wrong@5 |');
  out('|---|---:|---:|---:|---:|');
  const categories = [...new Set(QUERIES.map((q) => q.category))] as Category[];
  for (const category of categories) {
    const rows = scored.filter((s) => s.query.category === category);
    out(`| ${category} | ${rows.length} | ${fixed(mean(rows.map((s) => s.recall)))} | ${fixed(mean(rows.map((s) => s.reciprocalRank)))} | ${rows.reduce((n, s) => n + s.wrong, 0)} |`);
  }
  out(`| **all** | ${scored.length} | **${fixed(mean(scored.map((s) => s.recall)))}** | **${fixed(mean(scored.map((s) => s.reciprocalRank)))}** | ${scored.reduce((n, s) => n + s.wrong, 0)} |`);
  out();
  if (!verbose) return;
  for (const s of scored) {
    const marks = s.hits.slice(0, TOP).map((id) => (s.query.relevant.includes(id) ? `+${id}` : (s.query.wrong ?? []).includes(id) ? `!${id}` : id));
    out(`- [${s.query.category}] «${s.query.q}» recall ${fixed(s.recall)} rr ${fixed(s.reciprocalRank)}${s.relaxed ? ' (relaxed)' : ''}: ${marks.join(', ') || '—'}`);
  }
  out();
}

async function main(): Promise<void> {
  const verbose = process.argv.includes('--verbose');
  process.stdout.write(`# bench:relevance\n\n${new Date().toISOString()} · ${CORPUS.length} documents · ${QUERIES.length} queries · node ${process.version}\n\n`);
  const fts = new FtsSearchIndex(':memory:');
  try {
    report('sqlite (FTS5)', await measure(fts), verbose);
  } finally {
    await fts.close();
  }
  const url = process.env.MEILI_URL;
  if (!url) {
    process.stdout.write('meilisearch: not measured (set MEILI_URL and MEILI_API_KEY)\n');
    return;
  }
  const apiKey = process.env.MEILI_API_KEY || undefined;
  const uid = `tajrobe-relevance-${randomBytes(6).toString('hex')}`;
  const meili = new MeilisearchSearchIndex({ url, apiKey, index: uid });
  try {
    report(`meilisearch (${url})`, await measure(meili), verbose);
  } finally {
    const admin = new Meilisearch({ host: url, apiKey });
    // The adapter keeps the words its documents have in an index of their own.
    for (const name of [uid, `${uid}-words`]) await admin.deleteIndex(name).waitTask();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
