import type { Catalogue } from '../catalogue';

export const dashboard: Catalogue['dashboard'] = {
  title: 'Secretariat dashboard',
  stats: {
    uploads: 'documents sent (drafts excluded)',
    pending: 'documents awaiting review',
    failures: 'documents whose text extraction failed',
  },
  noteBefore: 'The charts count documents sent (any state but draft) by the ',
  noteStrong: 'Solar Hijri year of their upload',
  noteAfter: ' to the portal, not the year the document was written.',
  charts: {
    byCity: 'Documents per city',
    byKind: 'Documents per kind',
    byYear: 'Documents per year of upload',
    byYearTitle: 'Documents by year of upload',
    year: 'Year {year}',
    noData: 'No data',
  },
  cross: {
    byCity: 'Cities over time (year of upload)',
    byKind: 'Kinds of document over time (year of upload)',
    city: 'City',
    kind: 'Kind of document',
    total: 'Total',
    empty: 'No document has been sent yet.',
  },
  noResults: {
    heading: 'Searches without results',
    note: '(what people look for and nobody has sent)',
    empty: 'No search without results has been recorded.',
    query: 'Query',
    count: 'Count',
    last: 'Last time',
    variants: '({count} spellings)',
  },
  failures: {
    heading: 'Extraction and indexing failures',
    empty: 'No failures: the text of every document has been extracted or is queued.',
    document: 'Document',
    city: 'City',
    reason: 'Reason',
    time: 'Time',
  },
};
