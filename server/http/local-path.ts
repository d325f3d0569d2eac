/**
 * `value` when it is a path inside this portal, `fallback` otherwise: the one rule for every redirect that
 * follows a place the client named (after sign-in, after a language switch, a notification's link).
 * `//host` and `/\host` are other sites to a browser, and browsers drop tabs and newlines from a URL,
 * so a path must start with one slash followed by neither, and hold no control characters.
 */
export function localPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || !value.startsWith('/')) return fallback;
  if (value.startsWith('//') || value.startsWith('/\\')) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) return fallback;
  return value;
}
