import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { currentUser, requirePageUser, requireRole } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { AppError } from '../http/errors';
import { fieldsOf, firstString, isFormError } from '../http/form';
import { hasMessage, type MessageKey } from '../i18n/index';
import { createUserSchema, temporaryPasswordSchema } from './users.schema';

interface UserFormValues {
  username: string;
  role: string;
  city: string;
  fullName: string;
  jobTitle: string;
  mustChangePassword: boolean;
}

const EMPTY_FORM: UserFormValues = { username: '', role: 'city', city: '', fullName: '', jobTitle: '', mustChangePassword: true };
const idParams = z.object({ id: z.coerce.number().int().positive() });

/** The secretariat's list of accounts: create, disable, enable, set a temporary password. */
export function usersPages({ users }: Services): Router {
  const router = Router();
  router.use('/users', requirePageUser, requireRole('secretariat'));

  router.get('/users', (_req, res) => {
    render(res, EMPTY_FORM);
  });

  router.post('/users', verifyCsrf, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: UserFormValues = {
      username: firstString(body.username).trim(),
      role: firstString(body.role),
      city: firstString(body.city),
      fullName: firstString(body.fullName),
      jobTitle: firstString(body.jobTitle),
      mustChangePassword: firstString(body.mustChangePassword) === 'on',
    };
    try {
      const input = parseInput(createUserSchema, {
        username: values.username,
        password: firstString(body.password),
        role: values.role,
        // The city list is always on the form: a city user needs one, a reader may have one, the secretariat has none.
        ...(values.role !== 'secretariat' && values.city ? { city: values.city } : {}),
        fullName: values.fullName,
        jobTitle: values.jobTitle,
        mustChangePassword: values.mustChangePassword,
      });
      const created = await users.create(input, currentUser(req));
      req.session.flash = res.locals.t('users.created', { username: created.username });
      res.redirect(303, '/users');
    } catch (error) {
      if (isFormError(error)) return render(res, values, 400, fieldsOf(error).map((f) => fieldMessage(res, f)));
      if (error instanceof AppError && error.code === 'username_taken') return render(res, values, 409, [res.locals.t('errors.username_taken')]);
      throw error;
    }
  });

  for (const [action, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    router.post(`/users/:id/${action}`, verifyCsrf, (req: Request, res: Response) => {
      const { id } = parseInput(idParams, req.params);
      try {
        users.setDisabled(id, disabled, currentUser(req));
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'cannot_disable_self')) throw error;
        return render(res, EMPTY_FORM, 409, [res.locals.t('errors.cannot_disable_self')], 'list');
      }
      req.session.flash = res.locals.t(disabled ? 'users.disabledFlash' : 'users.enabledFlash', { username: users.person(id).username });
      res.redirect(303, '/users');
    });
  }

  router.post('/users/:id/password', verifyCsrf, async (req, res) => {
    const { id } = parseInput(idParams, req.params);
    const { username } = users.person(id);
    try {
      const { password } = parseInput(temporaryPasswordSchema, { password: firstString((req.body as Record<string, unknown> | undefined)?.password) });
      await users.setTemporaryPassword(currentUser(req), id, password);
    } catch (error) {
      if (isFormError(error)) return render(res, EMPTY_FORM, 400, [res.locals.t('users.temporary.tooShort', { username })], 'list');
      if (error instanceof AppError && error.code === 'cannot_reset_self') return render(res, EMPTY_FORM, 409, [res.locals.t('errors.cannot_reset_self')], 'list');
      throw error;
    }
    req.session.flash = res.locals.t('users.temporary.done', { username });
    res.redirect(303, '/users');
  });

  return router;

  function render(res: Response, values: UserFormValues, status = 200, errors: string[] = [], errorsAt: 'form' | 'list' = 'form'): void {
    res.status(status).render('users', { title: res.locals.t('users.title'), users: users.list(), values, errors, errorsAt });
  }
}

/** The form's message for a field the schema refused, in the reader's language. */
function fieldMessage(res: Response, field: string): string {
  const key = `users.fields.${field}`;
  return hasMessage(res.locals.locale, key) ? res.locals.t(key as MessageKey) : res.locals.t('errors.validation_failed');
}
