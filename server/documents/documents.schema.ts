import { z } from 'zod';
import { ACCESS_LEVELS } from './document';
import { trimmedText as text, wholeNumber } from '../http/validate';

/**
 * Multipart sends one value as a string and a repeated field as an array; a form may send `name[]`.
 * An empty value is left out (an empty form field, or `""` in a JSON list), after the list's length is
 * checked: `max` counts what was sent, empty values included, as the API's description's `maxItems` does.
 */
const repeatable = <T extends z.ZodType<string>>(item: T, max: number) =>
  z.preprocess(
    (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z
      .array(z.union([z.literal(''), item]))
      .max(max)
      .transform((values) => values.filter((entry) => entry !== '') as z.output<T>[]),
  );

export const RESOLUTION_REF = /^([1-9][0-9]{0,3})\/([1-9][0-9]{0,2})$/;

/** The upload fields but the file, each as an upload takes it. */
const metadataFields = {
  title: text(300).min(1, 'a title is required'),
  summary: text(5000).min(1, 'a summary is required'),
  kind: z.string().min(1, 'a kind is required'),
  hazards: repeatable(z.string().min(1), 20),
  year: wholeNumber(1300, 1500, 'the Jalali year is a whole number from 1300 to 1500'),
  keywords: repeatable(text(100).min(1), 40),
  resolutions: repeatable(z.string().regex(RESOLUTION_REF, 'a resolution is written meeting/number, e.g. 9/2'), 40),
  access: z.enum(ACCESS_LEVELS),
  city: z.string().min(1),
  sharedWith: repeatable(z.string().min(1), 100),
};

export const documentMetadataSchema = z
  .object({ ...metadataFields, access: metadataFields.access.default('portal'), city: metadataFields.city.optional() })
  .strict();

export type DocumentMetadata = z.infer<typeof documentMetadataSchema>;

/**
 * A correction: only the fields sent change, and a field left out keeps its value (no defaults here, so
 * a title alone never turns a restricted document into a portal one). `city` moves the document (the
 * secretariat only; the service decides).
 */
export const metadataUpdateSchema = z.object(metadataFields).partial().strict();
export type MetadataUpdate = z.infer<typeof metadataUpdateSchema>;

export const returnSchema = z.object({ comment: text(5000).min(1, 'a comment is required when returning a document') }).strict();

/** A reason for a withdrawal or a deletion; blank means none given. */
const reason = text(2000).optional().transform((value) => (value === '' ? undefined : value));

export const withdrawSchema = z.object({ reason }).strict();
export const deleteSchema = z.object({ reason }).strict();

export const sharesSchema = z.object({ cities: repeatable(z.string().min(1), 100) }).strict();

export const versionQuerySchema = z.object({ version: z.coerce.number().int().positive().optional() });

export const listQuerySchema = z.object({
  city: z.string().optional(),
  status: z.enum(['draft', 'submitted', 'published', 'returned', 'withdrawn']).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  perPage: z.coerce.number().int().min(1).max(100).default(20),
});
