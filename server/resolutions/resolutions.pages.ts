import fs from 'node:fs';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { Services } from '../services';
import { currentUser, requirePageUser, requireRole } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { AppError, NotFoundError } from '../http/errors';
import { faDigits } from '../http/view-helpers';
import { withoutArraySuffix } from '../documents/documents.schema';
import { LABELS } from '../documents/documents.pages';
import { isOverdue, jalaliFa, jalaliToday } from './jalali';
import { ref } from './resolutions.service';
import {
  followupSchema,
  meetingParamsSchema,
  meetingSchema,
  resolutionParamsSchema,
  resolutionSchema,
  resolutionUpdateSchema,
} from './resolutions.schema';

export const RESOLUTION_LABELS = {
  status: { open: 'باز', 'in-progress': 'در حال پیگیری', done: 'انجام‌شده' } as Record<string, string>,
  documentStatus: LABELS.status as Record<string, string>,
};

/** The field a refused form names, in Persian. */
const FIELDS_FA: Record<string, string> = {
  number: 'شماره را به عدد بنویسید.',
  city: 'شهر میزبان را انتخاب کنید.',
  date: 'تاریخ نشست را به صورت ماه شمسی بنویسید، مثلاً ۱۳۹۱-۰۷.',
  title: 'عنوان نشست را بنویسید.',
  text: 'متن مصوبه را بنویسید.',
  responsible: 'مسئول پیگیری را بنویسید.',
  dueDate: 'مهلت را به تاریخ شمسی بنویسید، مثلاً ۱۳۹۲-۰۳-۱۵.',
  status: 'وضعیت را از فهرست انتخاب کنید.',
  note: 'یادداشت پیگیری را بنویسید.',
};

/** Colour band of a compliance cell: nothing sent, one document, two or more. */
export function complianceClass(count: number): string {
  return count === 0 ? 'cm-none' : count === 1 ? 'cm-one' : 'cm-many';
}

const STYLESHEET = fs.readFileSync(path.join(import.meta.dirname, 'resolutions.css'), 'utf8');

export function resolutionsPages(services: Services): Router {
  const { resolutions } = services;
  const router = Router();
  const secretariat = requireRole('secretariat');
  const form = (req: Request) => withoutArraySuffix({ ...((req.body as Record<string, unknown> | undefined) ?? {}) });
  const helpers = { rlabels: RESOLUTION_LABELS, jalaliFa, isOverdue, today: jalaliToday(), ref, complianceClass };

  router.get('/resolutions.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=3600').send(STYLESHEET);
  });

  const renderRegister = (req: Request, res: Response, status = 200, errors: string[] = []) => {
    res.status(status).render('resolutions', {
      title: 'مصوبات',
      ...helpers,
      today: jalaliToday(),
      meetings: resolutions.list(currentUser(req)),
      errors,
    });
  };

  /** A refused form re-renders the register with the Persian reasons; other errors go to the error handler. */
  const handle = (action: (req: Request) => string) => (req: Request, res: Response) => {
    try {
      const flash = action(req);
      req.session.flash = faDigits(flash);
      res.redirect(303, typeof req.body?._back === 'string' && req.body._back.startsWith('#') ? `/resolutions${req.body._back}` : '/resolutions');
    } catch (error) {
      if (!(error instanceof AppError) || ![400, 409].includes(error.status)) throw error;
      const fields = ((error.details as { fields?: { field: string }[] } | undefined)?.fields ?? []).map((f) => FIELDS_FA[f.field] ?? f.field);
      const messages = error.status === 409 ? ['این شماره پیش‌تر ثبت شده است.'] : fields.length > 0 ? fields : ['چیزی برای تغییر فرستاده نشد.'];
      renderRegister(req, res, error.status, [...new Set(messages)]);
    }
  };

  router.get('/resolutions', requirePageUser, (req, res) => renderRegister(req, res));

  router.get('/resolutions/compliance', requirePageUser, (req, res) => {
    res.render('resolutions-compliance', { title: 'پایش ارسال شهرها', ...helpers, matrix: resolutions.matrix(currentUser(req)) });
  });

  router.post(
    '/resolutions/meetings',
    requirePageUser,
    verifyCsrf,
    secretariat,
    handle((req) => {
      const { _back: _, ...body } = form(req);
      const meeting = resolutions.addMeeting(currentUser(req), parseInput(meetingSchema, body));
      return `نشست ${meeting.number} ثبت شد.`;
    }),
  );

  router.post(
    '/resolutions/:meeting',
    requirePageUser,
    verifyCsrf,
    secretariat,
    handle((req) => {
      const { meeting } = parseInput(meetingParamsSchema, req.params);
      const { _back: _, ...body } = form(req);
      const created = resolutions.addResolution(currentUser(req), meeting, parseInput(resolutionSchema, body));
      return `مصوبهٔ ${ref(created.meeting, created.number)} ثبت شد.`;
    }),
  );

  router.post(
    '/resolutions/:meeting/:number',
    requirePageUser,
    verifyCsrf,
    secretariat,
    handle((req) => {
      const { meeting, number } = parseInput(resolutionParamsSchema, req.params);
      const { _back: _, ...body } = form(req);
      // An unticked checkbox is not sent at all; the form always means "this is the whole flag".
      resolutions.update(currentUser(req), meeting, number, parseInput(resolutionUpdateSchema, { asksCities: 'off', ...body }));
      return `مصوبهٔ ${ref(meeting, number)} به‌روز شد.`;
    }),
  );

  router.post(
    '/resolutions/:meeting/:number/followups',
    requirePageUser,
    verifyCsrf,
    secretariat,
    handle((req) => {
      const { meeting, number } = parseInput(resolutionParamsSchema, req.params);
      const { _back: _, ...body } = form(req);
      resolutions.addFollowup(currentUser(req), meeting, number, parseInput(followupSchema, body));
      return `پیگیری مصوبهٔ ${ref(meeting, number)} ثبت شد.`;
    }),
  );

  router.get('/cities', requirePageUser, (req, res) => {
    const matrix = resolutions.matrix(currentUser(req));
    res.render('city-list', { title: 'شهرها', ...helpers, matrix });
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
    res.render('city', { title: profile.city.name, ...helpers, profile, labels: LABELS });
  });

  return router;
}
