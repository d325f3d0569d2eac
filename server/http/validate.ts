import type { z } from 'zod';
import { BadRequestError } from './errors';

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
