import { z } from 'zod';
import { ACCESS_LEVELS } from '../documents/document';
import { RESOLUTION_REF } from '../documents/documents.schema';
import { isValidJalali, jalaliInput } from '../i18n/solar-hijri';
import { trimmedText as text } from '../http/validate';
import { LESSON_REVIEW_STATES, LESSON_STATUSES } from './lesson';

const list = <T extends z.ZodTypeAny>(item: T, max: number) => z.array(item).max(max);

/** A source document: its id, or `{ "id", "page" }` naming the page the lesson comes from. */
const source = z.union([
  text(100)
    .min(1)
    .transform((id) => ({ documentId: id, page: null as number | null })),
  z
    .object({ id: text(100).min(1), page: z.number().int().min(1).max(1_000_000).nullable().optional() })
    .strict()
    .transform(({ id, page }) => ({ documentId: id, page: page ?? null })),
]);

const fields = {
  title: text(300).min(1, 'a title is required'),
  observation: text(10_000).min(1, 'what was observed is required'),
  analysis: text(10_000).min(1, 'an analysis (why it happened) is required'),
  recommendation: text(10_000).min(1, 'a recommendation (what to do) is required'),
  hazards: list(z.string().min(1).max(64), 20),
  city: z.string().min(1).max(64),
  documents: list(source, 50),
  resolutions: list(z.string().regex(RESOLUTION_REF, 'a resolution is written meeting/number, e.g. 9/2'), 40),
  access: z.enum(ACCESS_LEVELS),
  sharedWith: list(z.string().min(1).max(64), 100),
};

export const newLessonSchema = z
  .object({
    ...fields,
    hazards: fields.hazards.default([]),
    city: fields.city.optional(),
    documents: fields.documents.default([]),
    resolutions: fields.resolutions.default([]),
    access: fields.access.default('portal'),
    sharedWith: fields.sharedWith.default([]),
  })
  .strict();
export type NewLesson = z.infer<typeof newLessonSchema>;

/** A correction: only the fields sent change (no defaults, so a title alone never widens a restricted lesson); one that names none is 400. */
export const lessonUpdateSchema = z
  .object(fields)
  .partial()
  .strict()
  .refine((update) => Object.keys(update).length > 0, 'name what changes: at least one field');
export type LessonUpdate = z.infer<typeof lessonUpdateSchema>;

export const lessonReturnSchema = z.object({ comment: text(5000).min(1, 'a comment is required when returning a lesson') }).strict();

/** A Solar Hijri day as people type it (any digits, `/` or `-`), stored as `1405-12-20`. */
export const solarDay = z
  .string()
  .max(40)
  .transform((typed) => jalaliInput(typed))
  .refine((value) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    return match !== null && isValidJalali({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) });
  }, 'a Solar Hijri date such as 1405-12-20');

export const newActionSchema = z
  .object({ description: text(2000).min(1, 'a description of the action is required'), city: z.string().min(1).max(64), due: solarDay })
  .strict();
export type NewAction = z.infer<typeof newActionSchema>;

/** Evidence that an action is done: what was done, and/or a document that shows it. */
export const actionDoneSchema = z
  .object({
    evidence: text(5000).optional().transform((value) => (value === '' ? undefined : value)),
    document: text(100).optional().transform((value) => (value === '' ? undefined : value)),
  })
  .strict()
  .refine((input) => input.evidence !== undefined || input.document !== undefined, { message: 'evidence: say what was done, or name a document that shows it', path: ['evidence'] });
export type ActionDone = z.infer<typeof actionDoneSchema>;

export const learnedSchema = z.object({ note: text(5000).min(1, 'a note is required: what shows the lesson was learned') }).strict();

/**
 * A filter of the list: the parameter repeated, at most 50 values (counted as sent); an empty value is left out, as
 * every filter of `GET /api/v1/search` leaves it out (`city=` is "any city").
 */
const repeatable = <T extends z.ZodType<string>>(item: T) =>
  z.preprocess(
    (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]),
    z
      .array(z.union([z.literal(''), item]))
      .max(50)
      .transform((values) => values.filter((value) => value !== '') as z.output<T>[]),
  );

export const lessonListQuerySchema = z
  .object({
    q: z.string().max(500).trim().default(''),
    city: repeatable(z.string().min(1).max(64)),
    hazard: repeatable(z.string().min(1).max(64)),
    status: repeatable(z.enum(LESSON_STATUSES)),
    review: repeatable(z.enum(LESSON_REVIEW_STATES)),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    perPage: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type LessonListQuery = z.infer<typeof lessonListQuerySchema>;

/** `actionId` up to JavaScript's largest exact integer, as the API's description says; past it, 400. */
export const actionParamsSchema = z.object({ id: z.string().min(1), actionId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
