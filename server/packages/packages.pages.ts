import { Router, type Response } from 'express';
import type { Services } from '../services';
import type { User } from '../auth/roles';
import { currentUser, requirePageUser } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { AppError } from '../http/errors';
import type { PortalDocument } from '../documents/document';
import { resolutionChoices } from '../documents/documents.pages';
import { packageCreateSchema } from './packages.schema';
import { sendPackageZip } from './packages.download';
import type { Audience } from './package';

/** What the compile form shows again after a refusal. */
export interface PackageFormValues {
  title: string;
  note: string;
  audience: 'all' | 'cities' | 'newMetropolises';
  cities: string[];
  /** Chosen resolutions as `meeting/number`. */
  resolutions: string[];
  /** Chosen document ids with their order and note. */
  chosen: Record<string, { order: string; note: string }>;
}

const FORM_ERRORS_FA: Record<string, string> = {
  title: 'عنوان بسته را بنویسید (حداکثر ۳۰۰ نویسه).',
  note: 'یادداشت همراه بسته بیش از اندازه بلند است.',
  documents: 'دست‌کم یک سند منتشرشده را برای بسته برگزینید.',
  audience: 'مخاطبان بسته را برگزینید؛ اگر «شهرهای برگزیده» را انتخاب کرده‌اید دست‌کم یک شهر را علامت بزنید.',
  resolutions: 'مصوبه‌های انتخاب‌شده معتبر نیستند.',
};

export const PACKAGE_LABELS = {
  status: { draft: 'پیش‌نویس', published: 'منتشرشده' } as Record<string, string>,
};

export function packagesPages(services: Services): Router {
  const { packages, documents } = services;
  const router = Router();

  router.get('/packages', requirePageUser, (req, res) => {
    const user = currentUser(req);
    const list = packages.listFor(user).map((pkg) => ({ pkg, delivered: packages.deliveredItems(user, pkg).length }));
    res.render('packages', { title: 'بسته‌ها', packages: list, labels: PACKAGE_LABELS, audienceText: audienceText(services) });
  });

  router.get('/packages/new', requirePageUser, (req, res) => {
    const user = currentUser(req);
    packages.assertCanCompile(user);
    const add = ([] as unknown[]).concat(req.query.add ?? []).filter((v): v is string => typeof v === 'string');
    const chosen: PackageFormValues['chosen'] = {};
    add.forEach((id, index) => (chosen[id] = { order: String(index + 1), note: '' }));
    renderForm(res, user, { title: '', note: '', audience: 'all', cities: [], resolutions: [], chosen });
  });

  router.post('/packages/new', requirePageUser, verifyCsrf, (req, res) => {
    const user = currentUser(req);
    packages.assertCanCompile(user);
    const body = req.body as Record<string, unknown>;
    const values = formValues(body);
    const ordered = Object.entries(values.chosen)
      .map(([id, { order, note }], index) => ({ id, note, order: Number(order) || 1000 + index }))
      .sort((a, b) => a.order - b.order);
    const audience =
      values.audience === 'cities' ? { cities: values.cities } : values.audience === 'newMetropolises' ? { newMetropolises: true } : { all: true };
    const parsed = packageCreateSchema.safeParse({ title: values.title, note: values.note, documents: ordered.map(({ id, note }) => ({ id, note })), audience, resolutions: values.resolutions });
    if (!parsed.success) {
      const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'title')))];
      return renderForm(res, user, values, 400, fields.map((f) => FORM_ERRORS_FA[f] ?? FORM_ERRORS_FA.title));
    }
    try {
      const created = packages.create(user, parsed.data);
      req.session.flash = 'بسته به‌صورت پیش‌نویس ساخته شد؛ پس از بازبینی منتشرش کنید.';
      res.redirect(303, `/packages/${created.id}`);
    } catch (error) {
      if (error instanceof AppError && error.status === 400) {
        const fields = (error.details as { fields?: { field: string }[] } | undefined)?.fields?.map((f) => f.field.split('.')[0]!) ?? [];
        const messages = [...new Set(fields.map((f) => FORM_ERRORS_FA[f]).filter((m): m is string => m !== undefined))];
        return renderForm(res, user, values, 400, messages.length > 0 ? messages : [FORM_ERRORS_FA.documents!]);
      }
      throw error;
    }
  });

  router.get('/packages/:id', requirePageUser, (req, res) => {
    const user = currentUser(req);
    const pkg = packages.getFor(user, req.params.id as string);
    res.render('package', {
      title: pkg.title,
      pkg,
      items: packages.deliveredItems(user, pkg),
      undeliverable: packages.undeliverableItems(user, pkg),
      labels: PACKAGE_LABELS,
      audienceText: audienceText(services),
      audienceCities: packages.audienceCities(pkg.audience),
      resolutionText: new Map(resolutionChoices(services, user).map((r) => [r.ref, r.short])),
    });
  });

  router.post('/packages/:id/publish', requirePageUser, verifyCsrf, (req, res) => {
    const user = currentUser(req);
    const published = packages.publish(user, req.params.id as string);
    req.session.flash = 'بسته منتشر شد و به مخاطبانش خبر داده شد.';
    res.redirect(303, `/packages/${published.id}`);
  });

  router.get('/packages/:id/download', requirePageUser, async (req, res) => {
    await sendPackageZip(services, currentUser(req), req.params.id as string, res);
  });

  function renderForm(res: Response, user: User, values: PackageFormValues, status = 200, errors: string[] = []): void {
    const { documents: published } = documents.list(user, { status: 'published', page: 1, perPage: 100 });
    const known = new Set(published.map((d) => d.id));
    // Documents asked for with ?add= but beyond the first page of the list still appear, first.
    const extra = Object.keys(values.chosen)
      .filter((id) => !known.has(id))
      .flatMap((id): PortalDocument[] => {
        try {
          const doc = documents.getVisible(user, id);
          return doc.status === 'published' ? [doc] : [];
        } catch {
          return [];
        }
      });
    res.status(status).render('package-new', {
      title: 'بستهٔ تازه',
      values,
      errors,
      candidates: [...extra, ...published],
      resolutionChoices: resolutionChoices(services, user),
    });
  }

  return router;
}

function formValues(body: Record<string, unknown>): PackageFormValues {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const list = (v: unknown) => ([] as unknown[]).concat(v ?? []).filter((x): x is string => typeof x === 'string' && x !== '');
  const audience = str(body.audience);
  const chosen: PackageFormValues['chosen'] = {};
  for (const id of list(body.documents)) chosen[id] = { order: str(body[`order-${id}`]), note: str(body[`note-${id}`]) };
  return {
    title: str(body.title),
    note: str(body.note),
    audience: audience === 'cities' || audience === 'newMetropolises' ? audience : 'all',
    cities: list(body.cities),
    resolutions: list(body.resolutions ?? body['resolutions[]']),
    chosen,
  };
}

/** The audience in Persian words, for the list and the package page. */
function audienceText(services: Services) {
  return (audience: Audience): string => {
    if (audience.kind === 'all') return 'همهٔ شهرها و خوانندگان';
    if (audience.kind === 'new-metropolises') return 'کلان‌شهرهای تازه';
    return audience.cities.map((c) => services.reference.cityName(c)).join('، ');
  };
}
