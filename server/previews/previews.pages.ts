import { Router } from 'express';
import type { Services } from '../services';
import { currentUser, requirePageUser } from '../auth/passport';
import { parseInput } from '../http/validate';
import { latinDigits } from '../i18n/solar-hijri';
import { currentVersion } from '../documents/document';
import { fileTypeOf } from '../documents/file-type';
import { markedText, patternsOfQuery } from './page-marks';
import { previewLinks } from './preview-links';
import { sendPreviewImage } from './preview-responses';
import { readerQuerySchema } from './previews.schema';

const links = previewLinks();
/** Formats a browser shows in its own viewer (documents.pages.ts serves them inline at /view). */
const VIEWABLE = new Set(['application/pdf', 'image/jpeg', 'image/png']);

/**
 * The reader: one page of a document as an image, on any device (a phone's browser ignores `#page=N` in a PDF
 * link), with the words of the query that led there marked, the previous and next pages, a page number to go to,
 * the page's extracted text, and the original file. No script is needed. The page images themselves.
 */
export function previewsPages(services: Services): Router {
  const { documents, previews, synonyms } = services;
  const router = Router();

  router.get('/documents/:id/previews/:version/:tag/:file', requirePageUser, async (req, res) => {
    await sendPreviewImage(req, res, services, currentUser(req));
  });

  router.get('/documents/:id/read', requirePageUser, async (req, res) => {
    const user = currentUser(req);
    const { t } = res.locals;
    const input = parseInput(readerQuerySchema, req.query);
    const { document: doc, version } = documents.version(user, req.params.id as string, input.version);
    const info = await previews.info(version);
    const pages = info.state === 'ready' ? info.pages : 1;
    const typed = input.page?.trim() ?? '';
    const asked = /^\d{1,6}$/.test(latinDigits(typed)) ? Number(latinDigits(typed)) : NaN;
    const pageOk = typed === '' || (asked >= 1 && asked <= pages);
    const page = typed !== '' && pageOk ? asked : 1;
    const patterns = patternsOfQuery(input.q, synonyms.list().map((group) => group.terms));
    const view = info.state === 'ready' ? await previews.pageView(version, page, patterns) : info;
    const text = previews.pageText(doc.id, version, page);
    const current = currentVersion(doc);
    const keep = { q: input.q || null, version: input.version ?? null };
    res.status(pageOk ? 200 : 400).render('reader', {
      title: t('previews.reader.title', { title: doc.title, page }),
      doc,
      version,
      isCurrent: current?.number === version.number,
      isRevision: version.revision !== null,
      view: 'state' in view ? null : view,
      unavailable: 'state' in view ? view : null,
      fileType: fileTypeOf(version.contentType),
      page,
      pages,
      q: input.q,
      typedPage: pageOk ? '' : typed,
      problem: pageOk ? null : t('previews.reader.badPage', { pages }),
      image: links.page(doc.id, version, page),
      prev: page > 1 ? links.reader(doc.id, { ...keep, page: page - 1 }) : null,
      next: page < pages ? links.reader(doc.id, { ...keep, page: page + 1 }) : null,
      textHtml: text?.trim() ? markedText(text, patterns) : null,
      viewable: current?.number === version.number && VIEWABLE.has(version.contentType),
    });
  });

  return router;
}
