import { AppError } from './errors';

/**
 * Reading HTML form bodies (urlencoded or multipart) the same way on every page: a repeated field
 * arrives as an array, a single one as a string, a form may name it `name[]`, and empty inputs
 * mean "not given".
 */

/** Form fields arrive as `hazards` or `hazards[]`; treat both alike. Drops the CSRF token. */
export function withoutArraySuffix(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '_csrf') continue;
    out[key.endsWith('[]') ? key.slice(0, -2) : key] = value;
  }
  return out;
}

export function withoutEmptyStrings(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== '' && value !== undefined && value !== null));
}

/** The field's value, or its first value when it was sent several times; '' when absent. */
export function firstString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

/** Every non-empty value of a field that may be sent once, several times, or not at all. */
export function formStrings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string' && v !== '');
}

/** A refusal the form itself can explain: bad or missing input, not a permission or a conflict. */
export function isFormError(error: unknown): error is AppError {
  return error instanceof AppError && error.status === 400;
}

/** The top-level field names a 400 names, whichever way the service or zod reported them. */
export function fieldsOf(error: AppError): string[] {
  const details = error.details as { fields?: { field?: string }[] } | undefined;
  const named = details?.fields?.map((f) => f.field ?? '') ?? [];
  const fields = named.map((field) => field.split(/[.[]/)[0]!).filter((field) => field !== '');
  return fields.length > 0 ? [...new Set(fields)] : ['(form)'];
}
