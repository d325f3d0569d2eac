/** Domain errors: a stable code, an HTTP status, an English message for the API; pages show the Persian text for the code. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string, details?: unknown, code = 'bad_request') {
    super(400, code, message, details);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'authentication required') {
    super(401, 'unauthenticated', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'you may not do this') {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'not found') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code = 'conflict') {
    super(409, code, message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'too_large', `the file is larger than the limit of ${limitBytes} bytes`, { limitBytes });
  }
}

export class UnsupportedTypeError extends AppError {
  constructor(reason: string) {
    super(415, 'unsupported_type', reason);
  }
}

export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too_many_requests', `too many failed attempts; try again in ${retryAfterSeconds} seconds`);
  }
}

/** The portal cannot take this request now (it is stopping, or the database is held by another process); the client may retry. */
export class ServiceUnavailableError extends AppError {
  constructor(
    code: 'busy' | 'stopping',
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(503, code, message);
  }
}

/** No room left to keep what was sent: nothing of it was kept. */
export class StorageFullError extends AppError {
  constructor(message = 'the portal has no room left to store this; nothing was kept') {
    super(507, 'storage_full', message);
  }
}
