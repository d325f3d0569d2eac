import { Router, type Response } from 'express';
import type { Services } from '../services';
import { currentUser, requirePageUser } from '../auth/passport';
import { AppError, NotFoundError } from '../http/errors';
import type { User } from '../auth/roles';
import type { DocumentsService } from '../documents/documents.service';
import { currentVersion, type DocumentVersion } from '../documents/document';
import { parseInput } from '../http/validate';
import { FACETS, type SearchHit } from '../../search/search-index';
import { searchQuerySchema, type SearchInput } from './search.service';
import { resolutionChoices } from '../resolutions/resolution-choices';

/** The header the search script sends to get only the results and facets, to put in place of the old ones. */
const PARTIAL_HEADER = 'X-Partial';

/**
 * The search page: query box, facets with counts, removable filter chips, hits with their page, paging.
 * With `X-Partial: results` the same URL answers only the fragment inside `#search-results` (chips,
 * facets, hits), rendered from the same template, so the page works the same with and without script.
 */
export function searchPages({ search, documents, reference }: Services): Router {
  const router = Router();
  router.get('/search', requirePageUser, async (req, res) => {
    const user = currentUser(req);
    const { t } = res.locals;
    const partial = req.get(PARTIAL_HEADER) === 'results';
    res.vary(PARTIAL_HEADER);
    let input: SearchInput;
    try {
      input = parseInput(searchQuerySchema, req.query);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      render(res, partial, 400, { title: t('search.title'), input: null, result: null, error: t('search.badQuery'), facets: FACETS, href: () => '/search', scripts: ['/static/js/search.js'] });
      return;
    }
    const result = await search.search(user, input).catch((error: unknown) => {
      req.log.error({ err: error }, 'the search engine did not answer; the page says so');
      return null;
    });
    const hitVersions = result ? versionsOfHits(documents, user, result.hits) : new Map();
    const href = (change: Partial<Record<string, string | string[] | number | undefined>>) => searchHref({ ...input, ...change });
    render(res, partial, result ? 200 : 503, {
      title: input.q ? t('search.titleWithQuery', { q: input.q }) : t('search.title'),
      input,
      result,
      error: result ? null : t('search.unavailable'),
      facets: FACETS,
      href,
      hitVersions,
      resolutionShort: new Map(resolutionChoices(reference, user, res.locals.locale).map((r) => [r.ref, r.short])),
      scripts: ['/static/js/search.js'],
    });
  });
  return router;
}

/**
 * The file each hit's reader gets (its name and format tell same-titled documents apart): the current version,
 * as the document page and a download serve it, never a newer upload readers do not get yet. A hit the reader
 * can no longer see (changed since the index answered) shows none.
 */
function versionsOfHits(documents: DocumentsService, user: User, hits: readonly SearchHit[]): Map<string, DocumentVersion> {
  const versions = new Map<string, DocumentVersion>();
  for (const hit of hits) {
    if (hit.type !== 'document') continue;
    try {
      const version = currentVersion(documents.getVisible(user, hit.id));
      if (version) versions.set(hit.id, version);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  return versions;
}

function render(res: Response, partial: boolean, status: number, locals: Record<string, unknown>): void {
  if (partial) res.set('Cache-Control', 'no-store');
  res.status(status).render(partial ? 'partials/search-results' : 'search', locals);
}

/** A /search URL for the given state; a change of query or filters goes back to page 1. */
function searchHref(state: Record<string, string | string[] | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(state)) {
    if (value === undefined || value === '' || (key === 'page' && value === 1) || (key === 'perPage' && value === 20)) continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  }
  const query = params.toString();
  return query ? `/search?${query}` : '/search';
}
