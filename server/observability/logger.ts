import os from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A line for the log, with fields that belong in it as JSON rather than inside the sentence
 * (`{ job: 12, document: "…" }`). Services take this, not a logger, so they stay free of the logging library.
 */
export type LogLine = (message: string, fields?: Record<string, unknown>) => void;

/**
 * Fields whose values never reach the log, wherever a logged object carries them: credentials of the
 * API and the pages (passwords, tokens, cookies, the CSRF token) and the engines' keys. The request log
 * writes only fields it chose; this list is the second lock, for objects logged elsewhere (errors included).
 */
const SECRET_FIELDS = [
  'password',
  'current',
  'new',
  'token',
  'authorization',
  'cookie',
  'set-cookie',
  '_csrf',
  'csrfToken',
  'x-csrf-token',
  'secret',
  'sessionSecret',
  'accessKey',
  'secretKey',
  'apiKey',
];
const REDACT_PATHS = SECRET_FIELDS.flatMap((field) => {
  const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
  const child = key.startsWith('[') ? key : `.${key}`;
  return [key, `*${child}`, `*.*${child}`];
});

/**
 * The portal's logger: one JSON object a line (on stdout unless `destination` is given), with an ISO time,
 * the level by name, and errors with their stack.
 */
export function createLogger(options: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'tajrobe', pid: process.pid, hostname: os.hostname() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: pino.stdSerializers.err },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** `LogLine`s at one level of `logger`. */
export function logLines(logger: Logger, level: 'info' | 'warn' | 'error' = 'info'): LogLine {
  return (message, fields) => (fields ? logger[level](fields, message) : logger[level](message));
}
