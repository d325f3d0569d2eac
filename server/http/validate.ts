import { z } from 'zod';
import { BadRequestError } from './errors';

/**
 * A whole number from JSON (a number) or from a form (a string of digits), from `min` to `max`. Nothing
 * else reads as one (not `true`, `[5]`, `" 5"` or `1e3`), so the API's description can say exactly what it takes.
 */
export function wholeNumber(min: number, max: number, message?: string) {
  return z
    .union([z.number(), z.string().regex(/^[0-9]+$/).transform(Number)], message ? { error: message } : undefined)
    .pipe(z.number().int(message).min(min, message).max(max, message));
}

/**
 * Text as people type it: at most `max` characters as sent, then trimmed. The limit applies to what was
 * sent (not to what trimming leaves), which is what a JSON Schema `maxLength` can say.
 */
export function trimmedText(max: number) {
  return z.string().max(max).trim();
}

/** Parses with zod; a failure becomes one 400 naming every bad field. */
export function parseInput<T extends z.ZodTypeAny>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : '(body)'),
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  throw new BadRequestError(fields.map((f) => `${f.field}: ${f.message}`).join('; '), { fields }, 'validation_failed');
}
