import { z } from 'zod';

/** The highest page number a URL may name (pdfinfo's count decides what exists). */
export const MAX_PAGE = 100_000;

/** An image URL's parts: `/documents/:id/previews/:version/:tag/(thumbnail|page-N).png`. A URL that does not fit names nothing (404). */
export const imageParamsSchema = z.object({
  id: z.string().min(1),
  version: z.coerce.number().int().min(1).max(1_000_000),
  tag: z.string().regex(/^[0-9a-f]{16}$/),
  file: z.string().regex(/^(thumbnail|page-[1-9][0-9]{0,5})\.png$/),
});

const query = z.string().max(500).default('');
const versionNumber = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional();

/** The reader page's query: `page` is read by the page itself, so a bad one is shown back to the reader as typed. */
export const readerQuerySchema = z.object({ q: query, version: versionNumber, page: z.string().max(50).optional() });

/** `GET /api/v1/documents/:id/preview` */
export const previewQuerySchema = z.object({ version: versionNumber }).strict();

/** `GET /api/v1/documents/:id/preview/pages/:page` */
export const pageViewQuerySchema = z.object({ q: query, version: versionNumber }).strict();
export const pageParamSchema = z.object({ page: z.coerce.number().int().min(1).max(MAX_PAGE) });
