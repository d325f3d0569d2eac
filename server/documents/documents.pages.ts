import { afterDocumentChange } from '../search/after-change';
import { Router, type Request, type Response } from 'express';
import type { Services } from '../services';
import type { User } from '../auth/roles';
import { currentUser, requirePageUser } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { AppError, BadRequestError } from '../http/errors';
import { ERROR_MESSAGES_FA } from '../http/messages.fa';
import { canManage } from './access.policy';
import type { DocumentStatus, PortalDocument } from './document';
import { documentMetadataSchema, listQuerySchema, sharesSchema, versionQuerySchema, withoutArraySuffix } from './documents.schema';
import { consumeStoredFile, mayUpload, requireStoredFile, singleFileUpload } from './upload.middleware';
import { sendVersion } from './download';

/** Persian names the document, review and user pages share. */
export const LABELS = {
  status: {
    draft: 'پیش‌نویس',
    submitted: 'در انتظار بررسی',
    published: 'منتشرشده',
    returned: 'برگشت‌خورده',
    withdrawn: 'بایگانی‌شده',
  } satisfies Record<DocumentStatus, string>,
  access: { portal: 'همهٔ کاربران سامانه', restricted: 'محدود' } as Record<string, string>,
  indexing: {
    queued: 'در صف پردازش متن؛ پس از استخراج متن در جست‌وجو پیدا می‌شود.',
    running: 'در حال استخراج و نمایه‌سازی متن…',
    done: 'متن استخراج و نمایه‌سازی شد.',
    failed: 'استخراج متن ناموفق بود.',
  } as Record<string, string>,
  reviewAction: {
    submit: 'فرستادن برای بررسی',
    publish: 'انتشار',
    return: 'برگشت به شهر برای اصلاح',
    withdraw: 'بایگانی (پس‌گرفتن)',
  } as Record<string, string>,
  history: {
    'document.created': 'بارگذاری سند',
    'document.version_added': 'بارگذاری نسخهٔ تازه',
    'document.updated': 'ویرایش مشخصات',
    'document.shared': 'تغییر شهرهای دارای دسترسی',
    'document.submitted': 'فرستادن برای بررسی',
    'document.published': 'انتشار',
    'document.returned': 'برگشت برای اصلاح',
    'document.withdrawn': 'بایگانی',
  } as Record<string, string>,
  role: { secretariat: 'دبیرخانه', city: 'کاربر شهر', reader: 'خواننده' } as Record<string, string>,
};

/** Statuses in which the owner may still add a version (the service enforces the same list). */
const EDITABLE: readonly DocumentStatus[] = ['draft', 'returned'];

const UPLOAD_FIELDS_FA: Record<string, string> = {
  file: 'پرونده‌ای انتخاب نشده است.',
  title: 'عنوان را بنویسید (حداکثر ۳۰۰ نویسه).',
  summary: 'چکیده را بنویسید (حداکثر ۵۰۰۰ نویسه).',
  kind: 'نوع سند را از فهرست انتخاب کنید.',
  hazards: 'مخاطره‌های انتخاب‌شده معتبر نیستند (حداکثر ۲۰ مورد).',
  year: 'سال را به هجری شمسی و چهاررقمی بنویسید، میان ۱۳۰۰ و ۱۵۰۰؛ مثلاً ۱۳۹۱.',
  keywords: 'کلیدواژه‌ها نادرست‌اند: حداکثر ۴۰ کلیدواژه و هر کدام حداکثر ۱۰۰ نویسه.',
  resolutions: 'مصوبه‌های انتخاب‌شده معتبر نیستند.',
  access: 'سطح دسترسی را انتخاب کنید.',
  city: 'شهری را که سند به آن تعلق دارد انتخاب کنید.',
  sharedWith: 'شهرهای انتخاب‌شده برای اشتراک معتبر نیستند.',
};

/** What the upload form shows again after a refusal (everything but the file, which a browser never re-sends). */
export interface UploadFormValues {
  title: string;
  summary: string;
  kind: string;
  hazards: string[];
  year: string;
  keywords: string;
  resolutions: string[];
  access: string;
  sharedWith: string[];
  city: string;
}

export interface DocumentPageErrors {
  return?: string;
  version?: string;
  shares?: string;
}

export function documentsPages(services: Services): Router {
  const { documents, store } = services;
  const upload = singleFileUpload(store, services.config.maxUploadBytes);
  const renderDocument = documentPageRenderer(services);
  const router = Router();

  router.get('/', requirePageUser, (req, res) => {
    res.redirect(303, currentUser(req).role === 'secretariat' ? '/review' : '/documents');
  });

  router.get('/documents', requirePageUser, (req, res) => {
    const user = currentUser(req);
    const query = req.query as Record<string, unknown>;
    // A city user starts on their own city's documents; `?city=` (empty) asks for everything they may see.
    const explicitAll = query.city === '';
    const city = query.city === undefined && user.role === 'city' ? user.city : query.city;
    const filter = parseInput(listQuerySchema, withoutEmptyStrings({ ...query, city }));
    const { total, documents: found } = documents.list(user, filter);
    const pages = Math.max(1, Math.ceil(total / filter.perPage));
    const href = (page: number) => {
      const params = new URLSearchParams();
      if (filter.city) params.set('city', filter.city);
      else if (explicitAll || user.role === 'city') params.set('city', '');
      if (filter.status) params.set('status', filter.status);
      if (filter.perPage !== 20) params.set('perPage', String(filter.perPage));
      if (page > 1) params.set('page', String(page));
      const search = params.toString();
      return search ? `/documents?${search}` : '/documents';
    };
    res.render('documents', {
      title: 'اسناد',
      labels: LABELS,
      documents: found,
      total,
      filter,
      pages,
      href,
      ownCityView: user.role === 'city' && filter.city === user.city && !filter.status,
    });
  });

  router.get('/documents/new', requirePageUser, (req, res) => {
    const user = currentUser(req);
    documents.assertCanUpload(user);
    renderUploadForm(res, user, emptyUploadForm(user));
  });

  router.post(
    '/documents/new',
    requirePageUser,
    verifyCsrf,
    mayUpload(documents, 'new-document'),
    upload,
    async (req, res) => {
      const user = currentUser(req);
      const values = uploadFormValues(withoutArraySuffix({ ...(req.body as Record<string, unknown> | undefined) }));
      const fileWasSent = Boolean((req.file as { stored?: unknown } | undefined)?.stored);
      let created: PortalDocument;
      try {
        created = await consumeStoredFile(req, store, (file) => {
          const problems: string[] = [];
          let metadata: ReturnType<typeof documentMetadataSchema.parse> | undefined;
          try {
            metadata = parseInput(documentMetadataSchema, metadataInput(values));
          } catch (error) {
            if (!isFormError(error)) throw error;
            problems.push(...fieldsOf(error));
          }
          if (!file) problems.push('file');
          if (problems.length > 0 || !metadata) {
            throw new BadRequestError('the upload form is incomplete', { fields: problems.map((field) => ({ field })) }, 'validation_failed');
          }
          return documents.create(user, metadata, requireStoredFile(req));
        });
      } catch (error) {
        if (!isFormError(error)) throw error;
        const messages = fieldsOf(error).map((field) => UPLOAD_FIELDS_FA[field] ?? ERROR_MESSAGES_FA.validation_failed!);
        if (fileWasSent) messages.push('پرونده ذخیره نشد؛ پس از اصلاح، آن را دوباره انتخاب کنید.');
        renderUploadForm(res, user, values, 400, unique(messages));
        return;
      }
      await afterDocumentChange(services, created.id);
      req.session.flash = 'سند بارگذاری شد.';
      res.redirect(303, `/documents/${created.id}`);
    },
  );

  router.get('/documents/:id', requirePageUser, (req, res) => {
    const user = currentUser(req);
    renderDocument(req, res, documents.getVisible(user, req.params.id as string));
  });

  router.get('/documents/:id/file', requirePageUser, async (req, res) => {
    const user = currentUser(req);
    const { version: number } = parseInput(versionQuerySchema, req.query);
    const { version } = documents.version(user, req.params.id as string, number);
    await sendVersion(req, res, store, version);
  });

  router.get('/documents/:id/view', requirePageUser, async (req, res) => {
    const user = currentUser(req);
    const { version } = documents.version(user, req.params.id as string);
    await sendVersion(req, res, store, version, 'inline');
  });

  router.post(
    '/documents/:id/versions',
    requirePageUser,
    verifyCsrf,
    mayUpload(documents, 'new-version'),
    upload,
    async (req, res) => {
      const user = currentUser(req);
      const id = req.params.id as string;
      let updated: PortalDocument;
      try {
        updated = await consumeStoredFile(req, store, () => documents.addVersion(user, id, requireStoredFile(req)));
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'missing_file')) throw error;
        renderDocument(req, res, documents.getVisible(user, id), 400, { version: ERROR_MESSAGES_FA.missing_file });
        return;
      }
      await afterDocumentChange(services, id);
      req.session.flash = `نسخهٔ ${faDigitsOf(updated.versions.at(-1)!.number)} بارگذاری شد.`;
      res.redirect(303, `/documents/${id}`);
    },
  );

  router.post('/documents/:id/shares', requirePageUser, verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const id = req.params.id as string;
    const { cities } = parseInput(sharesSchema, withoutArraySuffix({ ...(req.body as Record<string, unknown> | undefined) }));
    documents.setShares(user, id, cities);
    await afterDocumentChange(services, id);
    req.session.flash = 'فهرست شهرهای دارای دسترسی به‌روز شد.';
    res.redirect(303, `/documents/${id}`);
  });

  return router;

  function renderUploadForm(res: Response, user: User, values: UploadFormValues, status = 200, errors: string[] = []): void {
    res.status(status).render('document-new', {
      title: 'بارگذاری سند',
      labels: LABELS,
      values,
      errors,
      resolutionChoices: resolutionChoices(services, user),
      maxUploadBytes: services.config.maxUploadBytes,
      ownCity: user.role === 'city' ? user.city : null,
    });
  }
}

/** The document page, optionally with an error next to one of its forms; the review pages use it too. */
export function documentPageRenderer(services: Services) {
  const { review, audit, reference } = services;
  return (req: Request, res: Response, doc: PortalDocument, status = 200, errors: DocumentPageErrors = {}): void => {
    const user = currentUser(req);
    const manage = canManage(user, doc);
    res.status(status).render('document', {
      title: doc.title,
      labels: LABELS,
      doc,
      manage,
      actions: review.allowedActions(user, doc, manage),
      history: audit.forDocument(doc.id),
      canAddVersion: manage && EDITABLE.includes(doc.status),
      canShare: manage && doc.access === 'restricted' && doc.status !== 'withdrawn',
      resolutionText: new Map(resolutionChoices(services, user).map((r) => [r.ref, r.text])),
      errors,
      maxUploadBytes: services.config.maxUploadBytes,
      cityOptions: reference.cities().filter((c) => c.id !== doc.city),
    });
  };
}

/** Every resolution of every meeting, as `meeting/number` with a short text for a checkbox label. */
export function resolutionChoices({ reference }: Services, user: User): { ref: string; short: string; text: string }[] {
  return reference.resolutions(user).flatMap((meeting) =>
    meeting.resolutions.map((r) => ({ ref: `${meeting.number}/${r.number}`, short: shorten(r.text, 90), text: r.text })),
  );
}

function shorten(text: string, max: number): string {
  const plain = text.replace(/^مقرر\s+(شد|گردید)\s*/, '').replace(/\s+/g, ' ').trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trim()}…`;
}

function emptyUploadForm(user: User): UploadFormValues {
  return {
    title: '',
    summary: '',
    kind: '',
    hazards: [],
    year: String(currentJalaliYear()),
    keywords: '',
    resolutions: [],
    access: 'portal',
    sharedWith: [],
    city: user.role === 'city' ? (user.city ?? '') : '',
  };
}

const jalaliYear = new Intl.DateTimeFormat('en-u-ca-persian', { year: 'numeric', timeZone: 'Asia/Tehran' });

export function currentJalaliYear(now = new Date()): number {
  return Number(jalaliYear.formatToParts(now).find((part) => part.type === 'year')?.value);
}

function uploadFormValues(body: Record<string, unknown>): UploadFormValues {
  const keywords = body.keywords;
  return {
    title: firstString(body.title),
    summary: firstString(body.summary),
    kind: firstString(body.kind),
    hazards: strings(body.hazards),
    year: firstString(body.year),
    keywords: Array.isArray(keywords) ? strings(keywords).join('، ') : firstString(keywords),
    resolutions: strings(body.resolutions),
    access: firstString(body.access) || 'portal',
    sharedWith: strings(body.sharedWith),
    city: firstString(body.city),
  };
}

/** Form values as the metadata schema takes them: keywords split, digits made ASCII, empty fields left out. */
function metadataInput(values: UploadFormValues): Record<string, unknown> {
  return withoutEmptyStrings({
    title: values.title,
    summary: values.summary,
    kind: values.kind,
    hazards: values.hazards,
    year: asciiDigits(values.year.trim()),
    keywords: splitKeywords(values.keywords),
    resolutions: values.resolutions,
    access: values.access,
    city: values.city,
    sharedWith: values.access === 'restricted' ? values.sharedWith : [],
  });
}

export function splitKeywords(text: string): string[] {
  return text
    .split(/[,،;؛\n]+/)
    .map((k) => k.trim())
    .filter((k) => k !== '');
}

function asciiDigits(text: string): string {
  return text.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[٠-٩]/g, (d) => String(d.charCodeAt(0) - 0x0660));
}

function faDigitsOf(value: number): string {
  return String(value).replace(/[0-9]/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
}

export function withoutEmptyStrings(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== '' && value !== undefined && value !== null));
}

export function firstString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

function strings(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === 'string' && v !== '');
}

/** A refusal the form itself can explain: bad or missing input, not a permission or a conflict. */
export function isFormError(error: unknown): error is AppError {
  return error instanceof AppError && error.status === 400;
}

/** The top-level field names a 400 names, whichever way the service or zod reported them. */
export function fieldsOf(error: AppError): string[] {
  const details = error.details as { fields?: { field?: string }[] } | undefined;
  const named = details?.fields?.map((f) => f.field ?? '') ?? [];
  const fields = named.map((field) => field.split(/[.[]/)[0]!).filter((field) => field !== '');
  return fields.length > 0 ? unique(fields) : ['(form)'];
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
