import { z } from 'zod';
import { RESOLUTION_REF } from '../documents/documents.schema';
import { trimmedText as text } from '../http/validate';

/** An item is a document id, or `{id, note}` when the secretariat writes a note for it. */
const itemSchema = z.union([
  z.string().min(1).max(100).transform((id) => ({ id, note: '' })),
  z.object({ id: z.string().min(1).max(100), note: text(2000).default('') }).strict(),
]);

export const audienceSchema = z.union([
  z.object({ all: z.literal(true) }).strict(),
  z.object({ cities: z.array(z.string().min(1)).min(1, 'choose at least one city').max(200) }).strict(),
  z.object({ newMetropolises: z.literal(true) }).strict(),
]);
export type AudienceInput = z.infer<typeof audienceSchema>;

export const packageCreateSchema = z
  .object({
    title: text(300).min(1, 'a title is required'),
    note: text(10_000).default(''),
    documents: z.array(itemSchema).min(1, 'a package holds at least one document').max(200),
    audience: audienceSchema,
    /** Resolutions of the register the package answers, as `meeting/number`. */
    resolutions: z.array(z.string().regex(RESOLUTION_REF, 'a resolution is written meeting/number, e.g. 9/2')).max(40).optional(),
  })
  .strict();
export type PackageCreate = z.infer<typeof packageCreateSchema>;

export const packageUpdateSchema = packageCreateSchema.partial().strict();
export type PackageUpdate = z.infer<typeof packageUpdateSchema>;
