import type { IncomingHttpHeaders } from 'node:http';
import multer from 'multer';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ObjectStore } from '../../storage/object-store';
import { AppError, BadRequestError, PayloadTooLargeError } from '../http/errors';
import type { StoredFile } from './document';
import type { DocumentsService } from './documents.service';
import { currentUser } from '../auth/passport';
import { ObjectStoreEngine, type UploadedFile } from './upload.storage-engine';

/** Says whether an upload may start at all (free disk space), before a byte of it is read. */
export interface UploadRoom {
  assertRoomForUpload(headers: IncomingHttpHeaders): Promise<void>;
}

/**
 * Parses a multipart body with one `file` part, streaming it into the store; errors become domain errors.
 * Refused (507) before reading anything when `room` says there is no space for it.
 */
export function singleFileUpload(store: ObjectStore, maxBytes: number, room: UploadRoom): RequestHandler {
  const parse = multer({
    storage: new ObjectStoreEngine(store, maxBytes),
    defParamCharset: 'utf8',
    limits: { fileSize: maxBytes, files: 1, fields: 200, fieldSize: 64 * 1024, parts: 210, headerPairs: 200 },
  }).single('file');
  return (req: Request, res: Response, next: NextFunction) => {
    room.assertRoomForUpload(req.headers).then(
      () => parse(req, res, (error: unknown) => next(error ? translateUploadError(error, maxBytes) : undefined)),
      (error: unknown) => {
        // The body is not read: the connection cannot carry another request after this answer.
        res.set('Connection', 'close');
        next(error);
      },
    );
  };
}

/** The stored file of this request, or a 400 when the form had none. */
export function requireStoredFile(req: Request): StoredFile {
  const file = req.file as UploadedFile | undefined;
  if (!file?.stored) throw new BadRequestError('a file is required in the multipart field "file"', { fields: [{ field: 'file' }] }, 'missing_file');
  return file.stored;
}

/** Runs `use` with the request's stored file; if it throws, the object is deleted so nothing is orphaned. */
export async function consumeStoredFile<T>(req: Request, store: ObjectStore, use: (file: StoredFile | undefined) => T | Promise<T>): Promise<T> {
  const file = (req.file as UploadedFile | undefined)?.stored;
  try {
    return await use(file);
  } catch (error) {
    if (file) await store.delete(file.objectKey);
    throw error;
  }
}

function translateUploadError(error: unknown, maxBytes: number): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') return new PayloadTooLargeError(maxBytes);
    if (error.code === 'LIMIT_UNEXPECTED_FILE') return new BadRequestError(`unexpected file field "${error.field}"; send one file as "file"`);
    return new BadRequestError(`the form is too large or malformed (${error.code})`);
  }
  if (error instanceof Error && /unexpected end of form|request aborted|request closed|malformed|boundary|multipart/i.test(error.message)) {
    return new BadRequestError(`the upload was interrupted or malformed: ${error.message}`, undefined, 'upload_interrupted');
  }
  return error;
}

/**
 * Runs before multer, so a caller who may not upload (or may not add a version to this document)
 * is refused before any byte is read or stored.
 */
export function mayUpload(documents: DocumentsService, target: 'new-document' | 'new-version'): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const user = currentUser(req);
    if (target === 'new-document') documents.assertCanUpload(user);
    else documents.assertCanAddVersion(user, req.params.id as string);
    next();
  };
}
