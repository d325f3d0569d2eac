import type { PortalDocument } from './document';
import type { MetadataUpdate } from './documents.schema';

export type MetadataField = keyof MetadataUpdate;

/** One field a correction changes, with its value before and after. */
export interface MetadataChange {
  field: MetadataField;
  from: unknown;
  to: unknown;
}

/** Fields whose whole text the audit row would only repeat; it names them without their values. */
const NAMED_ONLY: readonly MetadataField[] = ['summary'];

/** Lists whose order means nothing (the database keeps them sorted); keywords keep the order they were written in. */
const UNORDERED: readonly MetadataField[] = ['hazards', 'resolutions', 'sharedWith'];

/**
 * What `update` would really change in `doc`, field by field, in the order of the upload form. Shares are
 * compared as they would be stored: without the (possibly new) owner city.
 */
export function metadataChanges(doc: PortalDocument, update: MetadataUpdate): MetadataChange[] {
  const city = update.city ?? doc.city;
  const after: Required<MetadataUpdate> = {
    title: update.title ?? doc.title,
    summary: update.summary ?? doc.summary,
    kind: update.kind ?? doc.kind,
    hazards: update.hazards ?? doc.hazards,
    year: update.year ?? doc.year,
    keywords: update.keywords ?? doc.keywords,
    resolutions: update.resolutions ?? doc.resolutions,
    access: update.access ?? doc.access,
    city,
    sharedWith: (update.sharedWith ?? doc.sharedWith).filter((c) => c !== city),
  };
  const before: Required<MetadataUpdate> = {
    title: doc.title,
    summary: doc.summary,
    kind: doc.kind,
    hazards: doc.hazards,
    year: doc.year,
    keywords: doc.keywords,
    resolutions: doc.resolutions,
    access: doc.access,
    city: doc.city,
    sharedWith: doc.sharedWith,
  };
  const changes: MetadataChange[] = [];
  for (const field of Object.keys(after) as MetadataField[]) {
    if (!same(field, before[field], after[field])) changes.push({ field, from: before[field], to: after[field] });
  }
  return changes;
}

/** The audit row's details of a correction: the fields' names, and old → new for every field but the long texts. */
export function auditDetailsOf(changes: MetadataChange[]): { fields: MetadataField[]; changes: Partial<Record<MetadataField, { from: unknown; to: unknown }>> } {
  const values: Partial<Record<MetadataField, { from: unknown; to: unknown }>> = {};
  for (const change of changes) if (!NAMED_ONLY.includes(change.field)) values[change.field] = { from: change.from, to: change.to };
  return { fields: changes.map((c) => c.field), changes: values };
}

function same(field: MetadataField, a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return a === b;
  const [x, y] = UNORDERED.includes(field) ? [[...new Set(a)].sort(), [...new Set(b)].sort()] : [a, b];
  return x.length === y.length && x.every((value, i) => value === y[i]);
}
