import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { ByteRange } from '../../storage/object-store';
import type { StoreRegistry } from '../../storage/store-registry';
import type { DocumentVersion } from './document';

/**
 * Streams one stored version from the store that holds it: strong ETag (the SHA-256), conditional GET, a single byte range
 * (206; 416 when unsatisfiable; several ranges get the whole file), and the original Persian
 * name in an RFC 5987/6266 `filename*`.
 */
export async function sendVersion(
  req: Request,
  res: Response,
  stores: StoreRegistry,
  version: DocumentVersion,
  disposition: 'attachment' | 'inline' = 'attachment',
): Promise<void> {
  const etag = `"${version.sha256}"`;
  const inline = disposition === 'inline' && INLINE_TYPES.has(version.contentType);
  res.set({
    ETag: etag,
    'Accept-Ranges': 'bytes',
    'Content-Type': version.contentType,
    'Content-Disposition': contentDisposition(version.filename, inline ? 'inline' : 'attachment'),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': inline ? "frame-ancestors 'none'" : "sandbox; default-src 'none'",
    'Cache-Control': 'private, no-cache',
  });
  if (matchesEtag(req.get('if-none-match'), etag)) {
    res.status(304).end();
    return;
  }

  const rangeHeader = req.get('range');
  const ifRange = req.get('if-range');
  const range = rangeHeader && (!ifRange || ifRange === etag) ? parseRange(rangeHeader, version.size) : undefined;
  if (range === 'unsatisfiable') {
    res.status(416).set('Content-Range', `bytes */${version.size}`).end();
    return;
  }

  const body = await stores.for(version.store).get(version.objectKey, range);
  if (range) {
    res.status(206).set({ 'Content-Range': `bytes ${range.start}-${range.end}/${version.size}`, 'Content-Length': String(range.end - range.start + 1) });
  } else {
    res.status(200).set('Content-Length', String(version.size));
  }
  if (req.method === 'HEAD') {
    body.destroy();
    res.end();
    return;
  }
  await pipeline(body, res).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  });
}

/** Types a browser shows safely in its own viewer (PDF at `#page=N`, images); everything else downloads. */
const INLINE_TYPES = new Set(['application/pdf', 'image/jpeg', 'image/png']);

export function contentDisposition(filename: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** One `bytes=` range, resolved against `size`; undefined means "send the whole file". */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });
}
