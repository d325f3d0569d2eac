import fs from 'node:fs';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { Services } from '../services';
import { currentUser, requirePageUser, requireRole } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { AppError, NotFoundError } from '../http/errors';
import type { Translate } from '../i18n/index';
import { withoutArraySuffix } from '../http/form';
import { DOCUMENT_STATUSES } from '../documents/document';
import { isOverdue, jalaliDate, jalaliInput, jalaliToday, latinDigits } from '../i18n/solar-hijri';
import { ref } from './resolutions.service';
import { resolutionChoices } from './resolution-choices';
import {
  RESOLUTION_STATUSES,
  followupSchema,
  meetingParamsSchema,
  meetingSchema,
  resolutionParamsSchema,
  resolutionSchema,
  resolutionUpdateSchema,
} from './resolutions.schema';

/** The fields a refused form may name, each with its reason in the catalogue. */
const FORM_FIELDS = ['number', 'city', 'date', 'title', 'text', 'responsible', 'dueDate', 'status', 'note'] as const;
type FormField = (typeof FORM_FIELDS)[number];
const isFormField = (field: string): field is FormField => (FORM_FIELDS as readonly string[]).includes(field);

/** Status names in the reader's language, for the register, the city pages and the follow-up log. */
export function resolutionLabels(t: Translate) {
  return {
    status: Object.fromEntries(RESOLUTION_STATUSES.map((s) => [s, t(`resolutions.status.${s}`)])) as Record<string, string>,
    documentStatus: Object.fromEntries(DOCUMENT_STATUSES.map((s) => [s, t(`resolutions.documentStatus.${s}`)])) as Record<string, string>,
  };
}

/**
 * A typed form with its Solar Hijri dates and numbers as stored: Persian digits and "/" are what a Persian
 * keyboard gives (e.g. a due date typed ۱۴۰۵/۰۹/۱۵), so they are read as "1405-09-15" before validation.
 */
function normalizedForm(body: Record<string, unknown>): Record<string, unknown> {
  const out = { ...body };
  for (const field of ['date', 'dueDate'] as const) if (typeof out[field] === 'string') out[field] = jalaliInput(out[field]);
  if (typeof out.number === 'string') out.number = latinDigits(out.number).trim();
  return out;
}

/** Colour band of a compliance cell: nothing sent, only documents waiting for review, one published document, two or more. */
export function complianceClass(count: number, waiting = 0): string {
  return count === 0 ? (waiting > 0 ? 'cm-waiting' : 'cm-none') : count === 1 ? 'cm-one' : 'cm-many';
}

const STYLESHEET = fs.readFileSync(path.join(import.meta.dirname, 'resolutions.css'), 'utf8');

export function resolutionsPages(services: Services): Router {
  const { resolutions } = services;
  const router = Router();
  const secretariat = requireRole('secretariat');
  /** The posted fields, digits normalized, without `_back` (where to return to, which `handle` reads). */
  const form = (req: Request) => {
    const { _back: _, ...fields } = withoutArraySuffix({ ...((req.body as Record<string, unknown> | undefined) ?? {}) });
    return normalizedForm(fields);
  };
  /** What the register, the matrix and the city pages share, in the reader's language. */
  const helpers = (res: Response) => {
    const locale = res.locals.locale;
    const jalali = (value: string | null) => jalaliDate(value, locale);
    /** A resolution's text in English when the register has an English text and the reader reads English. */
    const resolutionText = (r: { text: string; textEn?: string | null }) => (locale === 'en' && r.textEn ? r.textEn : r.text);
    const responsibleName = (r: { responsible: string; responsibleEn?: string | null }) => (locale === 'en' && r.responsibleEn ? r.responsibleEn : r.responsible);
    // `jalaliFa` is the older name the city pages still use; it follows the reader's language too.
    return { rlabels: resolutionLabels(res.locals.t), jalali, jalaliFa: jalali, resolutionText, responsibleName, isOverdue, today: jalaliToday(), ref, complianceClass };
  };

  router.get('/resolutions.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(STYLESHEET);
  });

  const renderRegister = (req: Request, res: Response, status = 200, errors: string[] = []) => {
    res.status(status).render('resolutions', {
      title: res.locals.t('resolutions.title'),
      ...helpers(res),
      meetings: resolutions.list(currentUser(req)),
      errors,
    });
  };

  /** A refused form re-renders the register with the reasons in the reader's language; other errors go to the error handler. */
  const handle = (action: (req: Request, res: Response) => string) => (req: Request, res: Response) => {
    const t = res.locals.t;
    try {
      req.session.flash = action(req, res);
      res.redirect(303, typeof req.body?._back === 'string' && req.body._back.startsWith('#') ? `/resolutions${req.body._back}` : '/resolutions');
    } catch (error) {
      if (!(error instanceof AppError) || ![400, 409].includes(error.status)) throw error;
      const fields = ((error.details as { fields?: { field: string }[] } | undefined)?.fields ?? []).map((f) =>
        isFormField(f.field) ? t(`resolutions.formError.${f.field}`) : f.field,
      );
      const messages =
        error.status === 409 ? [t('resolutions.formError.duplicate')] : fields.length > 0 ? fields : [t('resolutions.formError.nothingToChange')];
      renderRegister(req, res, error.status, [...new Set(messages)]);
    }
  };
  /** A resolution's reference in the reader's digits, e.g. "۹/۲". */
  const refText = (res: Response, meeting: number, number: number) => res.locals.digits(ref(meeting, number));

  router.get('/resolutions', requirePageUser, (req, res) => renderRegister(req, res));

  router.get('/resolutions/compliance', requirePageUser, (req, res) => {
    const user = currentUser(req);
    res.render('resolutions-compliance', {
      title: res.locals.t('resolutions.compliance.title'),
      ...helpers(res),
      matrix: resolutions.matrix(user),
      resolutionShort: new Map(resolutionChoices(services.reference, user, res.locals.locale).map((r) => [r.ref, r.short])),
    });
  });

  router.post(
    '/resolutions/meetings',
    requirePageUser,
    verifyCsrf,
    secretariat,
    handle((req, res) => {
      const body = form(req);
      const meeting = resolutions.addMeeting(currentUser(req), parseInput(meetingSchema, body));
      return res.locals.t('resolutions.flash.meetingAdded', { number: res.locals.digits(meeting.number) });
    }),
  );

  router.post(
    '/resolutions/:meeting',
    requirePageUser,
    verifyCsrf,
    secretariat,
    handle((req, res) => {
      const { meeting } = parseInput(meetingParamsSchema, req.params);
      const body = form(req);
      const created = resolutions.addResolution(currentUser(req), meeting, parseInput(resolutionSchema, body));
      return res.locals.t('resolutions.flash.resolutionAdded', { ref: refText(res, created.meeting, created.number) });
    }),
  );

  router.post(
    '/resolutions/:meeting/:number',
    requirePageUser,
    verifyCsrf,
    secretariat,
    handle((req, res) => {
      const { meeting, number } = parseInput(resolutionParamsSchema, req.params);
      const body = form(req);
      // An unticked checkbox is not sent at all; the form always means "this is the whole flag".
      resolutions.update(currentUser(req), meeting, number, parseInput(resolutionUpdateSchema, { asksCities: 'off', ...body }));
      return res.locals.t('resolutions.flash.resolutionUpdated', { ref: refText(res, meeting, number) });
    }),
  );

  router.post(
    '/resolutions/:meeting/:number/followups',
    requirePageUser,
    verifyCsrf,
    secretariat,
    handle((req, res) => {
      const { meeting, number } = parseInput(resolutionParamsSchema, req.params);
      const body = form(req);
      resolutions.addFollowup(currentUser(req), meeting, number, parseInput(followupSchema, body));
      return res.locals.t('resolutions.flash.followupAdded', { ref: refText(res, meeting, number) });
    }),
  );

  router.get('/cities', requirePageUser, (req, res) => {
    const matrix = resolutions.matrix(currentUser(req));
    res.render('city-list', { title: res.locals.t('resolutions.cities.title'), ...helpers(res), matrix });
  });

  router.get('/cities/:id', requirePageUser, (req, res) => {
    const id = req.params.id as string;
    let profile;
    try {
      profile = resolutions.cityProfile(currentUser(req), id);
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError('no such city');
      throw error;
    }
    const shared = helpers(res);
    res.render('city', {
      title: res.locals.cityName(profile.city.id),
      ...shared,
      profile,
      labels: { status: shared.rlabels.documentStatus },
      people: services.users.directory(profile.city.id),
      lessonActions: services.lessons.openActions(currentUser(req), profile.city.id),
    });
  });

  return router;
}
