import { Router, type Response } from 'express';
import type { Services } from '../services';
import type { User } from '../auth/roles';
import { currentUser, requirePageUser } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { AppError } from '../http/errors';
import type { PortalDocument } from '../documents/document';
import { resolutionChoices } from '../resolutions/resolution-choices';
import { packageCreateSchema, type PackageCreate } from './packages.schema';
import { sendPackageZip } from './packages.download';
import type { Audience, PortalPackage } from './package';
import type { Translate } from '../i18n/index';

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

/** The form fields a refusal may name, each with its reason in the catalogue. */
const FORM_FIELDS = ['title', 'note', 'documents', 'audience', 'resolutions'] as const;
type FormField = (typeof FORM_FIELDS)[number];

/** The reasons for the fields the service refuses after the form parsed: a document it may not hold, an unknown resolution or city. */
const SERVICE_FIELDS = { documents: 'documentsInvalid', resolutions: 'resolutions', audience: 'audience' } as const;

/** What the form is for: a new package, or a draft being changed. */
type FormMode = { kind: 'new' } | { kind: 'edit'; pkg: PortalPackage };

/** The reasons for the fields a refusal names, in the reader's language (unknown fields read as the title's). */
function formErrors(t: Translate, fields: string[], fallback: FormField = 'title'): string[] {
  const known = fields.map((f) => ((FORM_FIELDS as readonly string[]).includes(f) ? (f as FormField) : fallback));
  return [...new Set((known.length > 0 ? known : [fallback]).map((f) => t(`packages.formError.${f}`)))];
}

/** Status names in the reader's language. */
function packageLabels(t: Translate) {
  return { status: { draft: t('packages.status.draft'), published: t('packages.status.published') } as Record<string, string> };
}

export function packagesPages(services: Services): Router {
  const { packages, documents } = services;
  const router = Router();

  router.get('/packages', requirePageUser, (req, res) => {
    const user = currentUser(req);
    const list = packages.listFor(user).map((pkg) => ({ pkg, delivered: packages.deliveredItems(user, pkg).length }));
    const t = res.locals.t;
    res.render('packages', { title: t('packages.listTitle'), packages: list, labels: packageLabels(t), audienceText: audienceText(services, res) });
  });

  router.get('/packages/new', requirePageUser, (req, res) => {
    const user = currentUser(req);
    packages.assertCanCompile(user);
    const add = ([] as unknown[]).concat(req.query.add ?? []).filter((v): v is string => typeof v === 'string');
    const chosen: PackageFormValues['chosen'] = {};
    add.forEach((id, index) => (chosen[id] = { order: String(index + 1), note: '' }));
    renderForm(res, user, { title: '', note: '', audience: 'all', cities: [], resolutions: [], chosen }, { kind: 'new' });
  });

  router.post('/packages/new', requirePageUser, verifyCsrf, (req, res) => {
    const user = currentUser(req);
    packages.assertCanCompile(user);
    const values = formValues(req.body as Record<string, unknown>);
    const parsed = parseForm(values);
    if (!parsed.success) return renderForm(res, user, values, { kind: 'new' }, 400, formErrors(res.locals.t, parsed.fields));
    try {
      const created = packages.create(user, parsed.data);
      req.session.flash = res.locals.t('packages.flash.created');
      res.redirect(303, `/packages/${created.id}`);
    } catch (error) {
      const refused = serviceRefusal(res.locals.t, error);
      if (refused) return renderForm(res, user, values, { kind: 'new' }, 400, refused);
      throw error;
    }
  });

  /** The draft in the compile form, filled with its values; 404/403/409 as the package page and the PATCH API answer. */
  router.get('/packages/:id/edit', requirePageUser, (req, res) => {
    const user = currentUser(req);
    const pkg = packages.draftFor(user, req.params.id as string);
    renderForm(res, user, draftValues(pkg), { kind: 'edit', pkg });
  });

  /** Saves the whole form through the same `update` the PATCH API calls (and so the same audit row). */
  router.post('/packages/:id/edit', requirePageUser, verifyCsrf, (req, res) => {
    const user = currentUser(req);
    const pkg = packages.draftFor(user, req.params.id as string);
    const values = formValues(req.body as Record<string, unknown>);
    const parsed = parseForm(values);
    if (!parsed.success) return renderForm(res, user, values, { kind: 'edit', pkg }, 400, formErrors(res.locals.t, parsed.fields));
    try {
      const updated = packages.update(user, pkg.id, parsed.data);
      req.session.flash = res.locals.t('packages.flash.updated');
      res.redirect(303, `/packages/${updated.id}`);
    } catch (error) {
      const refused = serviceRefusal(res.locals.t, error);
      if (refused) return renderForm(res, user, values, { kind: 'edit', pkg }, 400, refused);
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
      labels: packageLabels(res.locals.t),
      audienceText: audienceText(services, res),
      audienceCities: packages.audienceCities(pkg.audience),
      resolutionText: new Map(resolutionChoices(services.reference, user, res.locals.locale).map((r) => [r.ref, r.short])),
    });
  });

  router.post('/packages/:id/publish', requirePageUser, verifyCsrf, (req, res) => {
    const user = currentUser(req);
    const published = packages.publish(user, req.params.id as string);
    req.session.flash = publishedFlash(res.locals.t, published, packages.audienceCities(published.audience).length);
    res.redirect(303, `/packages/${published.id}`);
  });

  router.get('/packages/:id/download', requirePageUser, async (req, res) => {
    await sendPackageZip(services, currentUser(req), req.params.id as string, res);
  });

  function renderForm(res: Response, user: User, values: PackageFormValues, mode: FormMode, status = 200, errors: string[] = []): void {
    const { documents: published } = documents.list(user, { status: 'published', page: 1, perPage: 100 });
    const known = new Set(published.map((d) => d.id));
    // Chosen documents beyond the first page of the list (asked for with ?add=, or already in the draft) still appear.
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
    // The chosen documents come first, in their order; then the rest of the list.
    const rank = (id: string) => {
      const picked = values.chosen[id];
      return picked ? Number(picked.order) || 999 : Infinity;
    };
    const candidates = [...extra, ...published].map((d, index) => ({ d, index })).sort((a, b) => rank(a.d.id) - rank(b.d.id) || a.index - b.index).map(({ d }) => d);
    const t = res.locals.t;
    const common = { values, errors, candidates, resolutionChoices: resolutionChoices(services.reference, user, res.locals.locale) };
    if (mode.kind === 'new') {
      res.status(status).render('package-new', {
        ...common,
        title: t('packages.form.title'),
        action: '/packages/new',
        refused: t('packages.form.refused'),
        submit: t('packages.form.submit'),
        dropped: [],
      });
      return;
    }
    res.status(status).render('package-edit', {
      ...common,
      title: t('packages.edit.heading', { title: mode.pkg.title }),
      pkg: mode.pkg,
      action: `/packages/${mode.pkg.id}/edit`,
      refused: t('packages.edit.refused'),
      submit: t('packages.edit.submit'),
      // Items of the draft whose document is no longer published: the form cannot offer them, so saving drops them.
      dropped: packages.undeliverableItems(user, mode.pkg),
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

/** The form's values parsed as the API's full body: items ordered by their position numbers. */
function parseForm(values: PackageFormValues): { success: true; data: PackageCreate } | { success: false; fields: string[] } {
  const ordered = Object.entries(values.chosen)
    .map(([id, { order, note }], index) => ({ id, note, order: Number(order) || 1000 + index }))
    .sort((a, b) => a.order - b.order);
  const audience =
    values.audience === 'cities' ? { cities: values.cities } : values.audience === 'newMetropolises' ? { newMetropolises: true } : { all: true };
  const parsed = packageCreateSchema.safeParse({ title: values.title, note: values.note, documents: ordered.map(({ id, note }) => ({ id, note })), audience, resolutions: values.resolutions });
  if (parsed.success) return { success: true, data: parsed.data };
  return { success: false, fields: parsed.error.issues.map((issue) => String(issue.path[0] ?? 'title')) };
}

/**
 * A refusal of what the form holds, from the service, as the form's reasons: a document it may not hold (404 when
 * unknown or not visible, 409 when not published, 400 when listed twice), an unknown resolution or city (400);
 * null for any other error.
 */
function serviceRefusal(t: Translate, error: unknown): string[] | null {
  if (!(error instanceof AppError)) return null;
  const namesAField = Boolean((error.details as { fields?: unknown } | undefined)?.fields);
  if (error.status !== 400 && !((error.status === 404 || error.status === 409) && namesAField)) return null;
  const fields = (error.details as { fields?: { field: string }[] } | undefined)?.fields?.map((f) => f.field.split('.')[0]!) ?? [];
  const reasons = fields.flatMap((f) => (Object.hasOwn(SERVICE_FIELDS, f) ? [t(`packages.formError.${SERVICE_FIELDS[f as keyof typeof SERVICE_FIELDS]}`)] : []));
  return reasons.length > 0 ? [...new Set(reasons)] : [t('packages.formError.documentsInvalid')];
}

/** A draft as the form shows it: its items in their order with their notes. */
function draftValues(pkg: PortalPackage): PackageFormValues {
  const chosen: PackageFormValues['chosen'] = {};
  pkg.items.forEach((item, index) => (chosen[item.documentId] = { order: String(index + 1), note: item.note }));
  return {
    title: pkg.title,
    note: pkg.note,
    audience: pkg.audience.kind === 'cities' ? 'cities' : pkg.audience.kind === 'new-metropolises' ? 'newMetropolises' : 'all',
    cities: pkg.audience.kind === 'cities' ? pkg.audience.cities : [],
    resolutions: pkg.resolutions,
    chosen,
  };
}


/** What publishing did, said plainly: how many were told, or that the audience means nobody today. */
function publishedFlash(t: Translate, published: { audience: Audience; notified: number }, audienceCities: number): string {
  if (published.notified > 0) return t('packages.flash.published', { count: published.notified });
  if (published.audience.kind === 'new-metropolises' && audienceCities === 0) return t('packages.flash.publishedToNoNewMetropolis');
  return t('packages.flash.publishedToNobody');
}

/** The audience in the reader's words, for the list and the package page; "new metropolises" names the cities it means now. */
function audienceText(services: Services, res: Response) {
  const t = res.locals.t;
  return (audience: Audience): string => {
    if (audience.kind === 'all') return t('packages.audience.all');
    if (audience.kind === 'new-metropolises') {
      const now = services.packages.audienceCities(audience).map((c) => res.locals.cityName(c) as string);
      return now.length > 0 ? t('packages.audience.newMetropolisesNow', { cities: now.join(t('packages.listSeparator')) }) : t('packages.audience.newMetropolisesNone');
    }
    return audience.cities.map((c) => res.locals.cityName(c) as string).join(t('packages.listSeparator'));
  };
}
