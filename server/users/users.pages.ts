import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../services';
import { currentUser, requirePageUser, requireRole } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { AppError } from '../http/errors';
import { ERROR_MESSAGES_FA } from '../http/messages.fa';
import { LABELS, fieldsOf, firstString, isFormError } from '../documents/documents.pages';
import { createUserSchema } from './users.schema';

const FIELDS_FA: Record<string, string> = {
  username: 'نام کاربری باید ۳ تا ۶۴ نویسه باشد و فقط حروف لاتین، رقم و نشانه‌های . _ @ - داشته باشد.',
  password: 'گذرواژه باید دست‌کم ۱۰ نویسه باشد.',
  role: 'نقش کاربر را انتخاب کنید.',
  city: 'کاربر شهر باید به یکی از شهرهای فهرست تعلق داشته باشد.',
};

interface UserFormValues {
  username: string;
  role: string;
  city: string;
}

const idParams = z.object({ id: z.coerce.number().int().positive() });

/** The secretariat's list of accounts: create, disable, enable. */
export function usersPages({ users }: Services): Router {
  const router = Router();
  router.use('/users', requirePageUser, requireRole('secretariat'));

  router.get('/users', (_req, res) => {
    render(res, { username: '', role: 'city', city: '' });
  });

  router.post('/users', verifyCsrf, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values: UserFormValues = { username: firstString(body.username).trim(), role: firstString(body.role), city: firstString(body.city) };
    try {
      const input = parseInput(createUserSchema, {
        username: values.username,
        password: firstString(body.password),
        role: values.role,
        // The city list is always on the form; it only means something for a city user.
        ...(values.role === 'city' && values.city ? { city: values.city } : {}),
      });
      const created = await users.create(input, currentUser(req));
      req.session.flash = `کاربر «${created.username}» ساخته شد.`;
      res.redirect(303, '/users');
    } catch (error) {
      if (isFormError(error)) return render(res, values, 400, fieldsOf(error).map((f) => FIELDS_FA[f] ?? ERROR_MESSAGES_FA.validation_failed!));
      if (error instanceof AppError && error.code === 'username_taken') return render(res, values, 409, [ERROR_MESSAGES_FA.username_taken!]);
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
        return render(res, { username: '', role: 'city', city: '' }, 409, [ERROR_MESSAGES_FA.cannot_disable_self!], 'list');
      }
      const username = users.list().find((u) => u.id === id)?.username ?? '';
      req.session.flash = disabled ? `حساب «${username}» غیرفعال شد؛ دیگر نمی‌تواند وارد شود.` : `حساب «${username}» دوباره فعال شد.`;
      res.redirect(303, '/users');
    });
  }

  return router;

  function render(res: Response, values: UserFormValues, status = 200, errors: string[] = [], errorsAt: 'form' | 'list' = 'form'): void {
    res.status(status).render('users', { title: 'کاربران', labels: LABELS, users: users.list(), values, errors, errorsAt });
  }
}
