import { Router, type Response } from 'express';
import type { Services } from '../services';
import { currentUser, requirePageUser, requireRole } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { AppError } from '../http/errors';
import { firstString, isFormError } from '../http/form';
import { synonymGroupSchema, synonymIdSchema, termsFromText } from './synonyms.schema';

/** The secretariat's synonym groups: list, add (terms one a line or separated by commas), delete. */
export function synonymsPages({ synonyms }: Services): Router {
  const router = Router();
  router.use('/synonyms', requirePageUser, requireRole('secretariat'));

  router.get('/synonyms', (_req, res) => {
    render(res, '');
  });

  router.post('/synonyms', verifyCsrf, async (req, res) => {
    const text = firstString((req.body as Record<string, unknown> | undefined)?.terms);
    const { t } = res.locals;
    try {
      const input = parseInput(synonymGroupSchema, { terms: termsFromText(text) });
      await synonyms.create(currentUser(req), input);
    } catch (error) {
      if (isFormError(error)) return render(res, text, 400, t('search.synonyms.badTerms'));
      if (error instanceof AppError && error.code === 'synonym_group_exists') return render(res, text, 409, t('search.synonyms.exists'));
      throw error;
    }
    req.session.flash = t('search.synonyms.created');
    res.redirect(303, '/synonyms');
  });

  router.post('/synonyms/:id/delete', verifyCsrf, async (req, res) => {
    const { id } = parseInput(synonymIdSchema, req.params);
    await synonyms.remove(currentUser(req), id);
    req.session.flash = res.locals.t('search.synonyms.deleted');
    res.redirect(303, '/synonyms');
  });

  return router;

  function render(res: Response, terms: string, status = 200, error: string | null = null): void {
    const { t } = res.locals;
    res.status(status).render('synonyms', { title: t('search.synonyms.title'), groups: synonyms.list(), terms, error, listSeparator: t('documents.listSeparator') });
  }
}
