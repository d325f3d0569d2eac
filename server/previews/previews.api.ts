import { Router } from 'express';
import type { Services } from '../services';
import { currentUser } from '../auth/passport';
import { parseInput } from '../http/validate';
import { ConflictError } from '../http/errors';
import { patternsOfQuery } from './page-marks';
import { previewLinks } from './preview-links';
import { sendPreviewImage } from './preview-responses';
import { pageParamSchema, pageViewQuerySchema, previewQuerySchema } from './previews.schema';

const links = previewLinks('/api/v1');

/**
 * Previews for API clients, under the same rules as a version's download: what a version's pages are (count,
 * thumbnail, page image URLs), one page with the boxes of a query's words, and the images themselves.
 */
export function previewsApi(services: Services): Router {
  const { documents, previews, synonyms } = services;
  const router = Router();

  router.get('/documents/:id/preview', async (req, res) => {
    const user = currentUser(req);
    const { version: number } = parseInput(previewQuerySchema, req.query);
    const id = req.params.id as string;
    const { version } = documents.version(user, id, number);
    const info = await previews.info(version);
    const ready = info.state === 'ready';
    res.set('Cache-Control', 'private, no-cache').json({
      version: version.number,
      sha256: version.sha256,
      state: info.state,
      pages: ready ? info.pages : null,
      reason: info.state === 'unavailable' ? info.reason : null,
      thumbnail: ready ? links.thumbnail(id, version) : null,
      pageImage: ready ? links.page(id, version, 1).replace(/page-1\.png$/, 'page-{page}.png') : null,
    });
  });

  router.get('/documents/:id/preview/pages/:page', async (req, res) => {
    const user = currentUser(req);
    const { page } = parseInput(pageParamSchema, req.params);
    const { q, version: number } = parseInput(pageViewQuerySchema, req.query);
    const id = req.params.id as string;
    const { version } = documents.version(user, id, number);
    const view = await previews.pageView(version, page, patternsOfQuery(q, synonyms.list().map((group) => group.terms)));
    if ('state' in view) {
      throw new ConflictError(
        view.state === 'none' ? `${version.contentType} files have no preview` : `this version cannot be previewed now: ${view.reason}`,
        'preview_unavailable',
      );
    }
    res.set('Cache-Control', 'private, no-cache').json({ ...view, version: version.number, image: links.page(id, version, page) });
  });

  router.get('/documents/:id/previews/:version/:tag/:file', async (req, res) => {
    await sendPreviewImage(req, res, services, currentUser(req));
  });

  return router;
}
