import { Router } from 'express';
import type { Services } from '../services';
import { currentUser, requirePageUser } from '../auth/passport';
import { AppError } from '../http/errors';
import { parseInput } from '../http/validate';
import { FACETS, type Facet } from '../../search/search-index';
import { searchQuerySchema, type SearchInput } from './search.service';

const FACET_LABELS: Record<Facet, string> = {
  city: 'شهر',
  kind: 'نوع سند',
  hazard: 'مخاطره',
  year: 'سال',
  resolution: 'مصوبه',
  fileType: 'قالب پرونده',
};

/** The search page: query box, facets with counts, removable filter chips, hits with their page, paging. */
export function searchPages({ search }: Services): Router {
  const router = Router();
  router.get('/search', requirePageUser, async (req, res) => {
    const user = currentUser(req);
    let input: SearchInput;
    try {
      input = parseInput(searchQuerySchema, req.query);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      res.status(400).render('search', { title: 'جست‌وجو', input: null, result: null, error: 'نشانی جست‌وجو نادرست است؛ دوباره جست‌وجو کنید.', facetLabels: FACET_LABELS, facets: FACETS, href: () => '/search' });
      return;
    }
    const result = await search.search(user, input).catch((error: unknown) => {
      console.error(error);
      return null;
    });
    const href = (change: Partial<Record<string, string | string[] | number | undefined>>) => searchHref({ ...input, ...change });
    res.status(result ? 200 : 503).render('search', {
      title: input.q ? `جست‌وجوی «${input.q}»` : 'جست‌وجو',
      input,
      result,
      error: result ? null : 'جست‌وجو اکنون در دسترس نیست؛ کمی بعد دوباره امتحان کنید.',
      facetLabels: FACET_LABELS,
      facets: FACETS,
      href,
    });
  });
  return router;
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
