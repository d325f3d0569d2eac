import { z } from 'zod';
import { trimmedText as text, wholeNumber } from '../http/validate';

export const RESOLUTION_STATUSES = ['open', 'in-progress', 'done'] as const;
export type ResolutionStatus = (typeof RESOLUTION_STATUSES)[number];

const MONTH = '(0[1-9]|1[0-2])';
const DAY = '(0[1-9]|[12][0-9]|3[01])';
/** A Solar Hijri month, e.g. 1391-07. */
export const JALALI_MONTH = new RegExp(`^1[3-4][0-9]{2}-${MONTH}$`);
/** A Solar Hijri day (or just a month), e.g. 1392-03-15 or 1392-03. */
export const JALALI_DATE = new RegExp(`^1[3-4][0-9]{2}-${MONTH}(-${DAY})?$`);

/** Forms send checkboxes as "on"/"1"/"true" or not at all; the API sends a boolean. */
const flag = z.preprocess((v) => (typeof v === 'string' ? ['on', '1', 'true', 'yes'].includes(v) : v), z.boolean());
/** An empty form field means "not given". */
const optional = <T extends z.ZodTypeAny>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const dueDate = z.string().trim().regex(JALALI_DATE, 'a due date is a Solar Hijri date, e.g. 1392-03-15');

export const meetingSchema = z
  .object({
    number: wholeNumber(1, 9999, 'a meeting number is a whole number from 1 to 9999'),
    city: z.string().min(1, 'the host city is required'),
    date: z.string().trim().regex(JALALI_MONTH, 'a meeting date is a Solar Hijri month, e.g. 1391-07'),
    title: text(300).min(1, 'a title is required'),
  })
  .strict();
export type MeetingInput = z.infer<typeof meetingSchema>;

export const resolutionSchema = z
  .object({
    number: optional(wholeNumber(1, 999, 'a resolution number is a whole number from 1 to 999')),
    text: text(5000).min(1, 'the text of the resolution is required'),
    responsible: text(300).min(1, 'the responsible party is required'),
    dueDate: optional(dueDate),
    asksCities: optional(flag),
  })
  .strict();
export type ResolutionInput = z.infer<typeof resolutionSchema>;

export const resolutionUpdateSchema = z
  .object({
    status: optional(z.enum(RESOLUTION_STATUSES)),
    /** null clears the due date. */
    dueDate: z.preprocess((v) => (v === '' ? null : v), dueDate.nullable().optional()),
    asksCities: optional(flag),
  })
  .strict()
  .refine((u) => u.status !== undefined || u.dueDate !== undefined || u.asksCities !== undefined, 'nothing to change');
export type ResolutionUpdate = z.infer<typeof resolutionUpdateSchema>;

export const followupSchema = z
  .object({
    note: text(5000).min(1, 'a follow-up note is required'),
    status: optional(z.enum(RESOLUTION_STATUSES)),
  })
  .strict();
export type FollowupInput = z.infer<typeof followupSchema>;

export const resolutionParamsSchema = z.object({
  meeting: z.coerce.number().int().min(1).max(9999),
  number: z.coerce.number().int().min(1).max(999),
});
export const meetingParamsSchema = z.object({ meeting: z.coerce.number().int().min(1).max(9999) });
