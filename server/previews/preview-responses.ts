import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Services } from '../services';
import type { User } from '../auth/roles';
import { NotFoundError } from '../http/errors';
import { versionTag } from './preview-keys';
import { imageParamsSchema } from './previews.schema';
import { placeholderSvg } from './placeholder.svg';
import type { NoPreview } from './previews.service';

/** An image URL names the version's bytes, so what it shows never changes: a year in the reader's own cache (never a shared one). */
const IMMUTABLE = 'private, max-age=31536000, immutable';
/** A file that cannot be drawn is shown as such for a day; a page not ready now is asked for again next time. */
const LASTING_PLACEHOLDER = 'private, max-age=86400';
const PASSING_PLACEHOLDER = 'private, no-store';

/**
 * `GET …/documents/:id/previews/:version/:tag/(thumbnail|page-N).png` for pages and the API alike: the same access
 * rules as the download of that version (404 for a document or a version the user may not see, exactly as for one
 * that does not exist; a tag that is not the version's bytes is 404 too), then the PNG from the store, drawn first if
 * nobody asked for it before. A file that cannot be drawn gets a placeholder image (200, `X-Preview: unavailable`).
 */
export async function sendPreviewImage(req: Request, res: Response, services: Services, user: User): Promise<void> {
  const parsed = imageParamsSchema.safeParse(req.params);
  if (!parsed.success) throw new NotFoundError('no such preview');
  const { id, version: number, tag, file } = parsed.data;
  const { version } = services.documents.version(user, id, number);
  if (versionTag(version) !== tag) throw new NotFoundError('no such preview');
  const page = file === 'thumbnail.png' ? null : Number(/^page-(\d+)\.png$/.exec(file)![1]);
  const etag = `"${tag}-${number}-${page ?? 't'}"`;
  if (req.get('if-none-match')?.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)) {
    res.status(304).set({ ETag: etag, 'Cache-Control': IMMUTABLE }).end();
    return;
  }
  const result = page === null ? await services.previews.thumbnail(version) : await services.previews.page(version, page);
  if (!(result instanceof Readable)) return sendPlaceholder(res, result);
  res.status(200).set({ 'Content-Type': 'image/png', 'Cache-Control': IMMUTABLE, ETag: etag });
  if (req.method === 'HEAD') {
    result.destroy();
    res.end();
    return;
  }
  await pipeline(result, res).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  });
}

function sendPlaceholder(res: Response, info: NoPreview): void {
  if (info.state === 'none') throw new NotFoundError('this format has no preview');
  const lasting = info.state === 'unavailable' && info.lasting;
  res
    .status(200)
    .set({ 'Content-Type': 'image/svg+xml; charset=utf-8', 'Cache-Control': lasting ? LASTING_PLACEHOLDER : PASSING_PLACEHOLDER, 'X-Preview': 'unavailable' })
    .send(placeholderSvg());
}
