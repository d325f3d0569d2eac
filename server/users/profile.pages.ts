import { Router, type Request, type Response } from 'express';
import type { Services } from '../services';
import { currentUser, requirePageUser } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { AppError, TooManyRequestsError } from '../http/errors';
import { fieldsOf, firstString, isFormError } from '../http/form';
import { localPath } from '../http/local-path';
import type { MessageKey } from '../i18n/index';
import { passwordChangeSchema, preferencesUpdateSchema, profileUpdateSchema } from './users.schema';
import { EMAIL_TOPICS } from '../email/email-topics';
import { changeOwnPassword } from './password-change';

const PROFILE_FIELDS = ['fullName', 'jobTitle', 'phone', 'email'] as const;
type ProfileValues = Record<(typeof PROFILE_FIELDS)[number], string>;

/** One's own account: `/me` (name, job title, phone, e-mail) and `/me/password`. */
export function profilePages(services: Services): Router {
  const { users } = services;
  const router = Router();
  router.use('/me', requirePageUser);

  router.get('/me', (req, res) => {
    const person = users.person(currentUser(req).id);
    renderProfile(res, req, Object.fromEntries(PROFILE_FIELDS.map((field) => [field, person[field] ?? ''])) as ProfileValues);
  });

  router.post('/me', verifyCsrf, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const values = Object.fromEntries(PROFILE_FIELDS.map((field) => [field, firstString(body[field])])) as ProfileValues;
    try {
      users.updateProfile(currentUser(req), parseInput(profileUpdateSchema, values));
    } catch (error) {
      if (!isFormError(error)) throw error;
      const messages = fieldsOf(error).map((field) =>
        (PROFILE_FIELDS as readonly string[]).includes(field) ? res.locals.t(`profile.fields.${field}` as MessageKey) : res.locals.t('errors.validation_failed'),
      );
      return renderProfile(res, req, values, 400, messages);
    }
    req.session.flash = res.locals.t('profile.saved');
    res.redirect(303, '/me');
  });

  /** The whole preferences form: an unticked box is not sent at all, and means "not by e-mail". */
  router.post('/me/preferences', verifyCsrf, (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const input = parseInput(preferencesUpdateSchema, {
      language: firstString(body.language) || undefined,
      email: Object.fromEntries(EMAIL_TOPICS.map((topic) => [topic, firstString(body[`email_${topic}`]) === 'on'])),
    });
    users.updatePreferences(currentUser(req), input);
    req.session.flash = res.locals.t('profile.preferences.saved');
    res.redirect(303, '/me#preferences-heading');
  });

  router.get('/me/password', (req, res) => {
    renderPassword(res, req);
  });

  router.post('/me/password', verifyCsrf, async (req, res, next) => {
    const user = currentUser(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const passwords = { current: firstString(body.current), new: firstString(body.new) };
    if (passwords.new !== firstString(body.confirm)) return renderPassword(res, req, 400, [res.locals.t('profile.password.mismatch')]);
    const forced = users.mustChangePassword(user.id);
    const returnTo = forced ? localPath(req.session.returnTo) : '/me';
    try {
      await changeOwnPassword(services, user, req.ip ?? 'unknown', parseInput(passwordChangeSchema, passwords), null);
    } catch (error) {
      const refusal = passwordRefusal(res, error);
      if (!refusal) throw error;
      if (error instanceof TooManyRequestsError) res.set('Retry-After', String(error.retryAfterSeconds));
      return renderPassword(res, req, refusal.status, [refusal.message]);
    }
    // The change ended every session signed in before it, this one too: sign this browser in again (a new session id).
    req.login(user, (error) => {
      if (error) return next(error);
      req.session.flash = res.locals.t('profile.password.changed');
      res.redirect(303, returnTo);
    });
  });

  return router;

  function renderProfile(res: Response, req: Request, values: ProfileValues, status = 200, errors: string[] = []): void {
    const id = currentUser(req).id;
    res.status(status).render('profile', {
      title: res.locals.t('profile.title'),
      person: users.person(id),
      values,
      errors,
      preferences: users.preferences(id),
      topics: EMAIL_TOPICS,
      emailServer: services.config.email !== null,
    });
  }

  function renderPassword(res: Response, req: Request, status = 200, errors: string[] = []): void {
    const forced = users.mustChangePassword(currentUser(req).id);
    res.status(status).render('password', { title: res.locals.t(forced ? 'profile.password.forcedTitle' : 'profile.password.title'), forced, errors });
  }
}

/** Why the password form was refused, in the reader's language; null for an error that is not the form's. */
function passwordRefusal(res: Response, error: unknown): { status: number; message: string } | null {
  const t = res.locals.t;
  if (!(error instanceof AppError)) return null;
  if (error.code === 'wrong_password') return { status: 403, message: t('profile.password.wrong') };
  if (error instanceof TooManyRequestsError) return { status: 429, message: t('errors.too_many_requests') };
  if (!isFormError(error)) return null;
  const details = error.details as { fields?: { field: string; message: string }[] } | undefined;
  const fields = details?.fields ?? [];
  if (fields.some((f) => f.field === 'current')) return { status: 400, message: t('profile.password.currentMissing') };
  if (fields.some((f) => f.field === 'new' && /same/.test(f.message))) return { status: 400, message: t('profile.password.same') };
  return { status: 400, message: t('profile.password.tooShort') };
}
