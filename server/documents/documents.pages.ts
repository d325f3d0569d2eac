import { Router, type Request, type Response } from 'express';
import type { Services } from '../services';
import type { User } from '../auth/roles';
import { currentUser, requirePageUser } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { AppError, BadRequestError, UnauthenticatedError } from '../http/errors';
import { wantsJson } from '../http/error-handler';
import { hasMessage, type MessageKey } from '../i18n/index';
import { fa } from '../i18n/fa/index';
import { ALLOWED_TYPES } from './file-type';
import { canManage } from './access.policy';
import { currentVersion, DOCUMENT_STATUSES, type DocumentStatus, type PortalDocument } from './document';
import { documentMetadataSchema, listQuerySchema, sharesSchema, versionQuerySchema } from './documents.schema';
import { fieldsOf, firstString, formStrings, isFormError, withoutArraySuffix, withoutEmptyStrings } from '../http/form';
import { latinDigits, solarYear } from '../i18n/solar-hijri';
import { resolutionChoices } from '../resolutions/resolution-choices';
import { consumeStoredFile, mayUpload, requireStoredFile, singleFileUpload } from './upload.middleware';
import { sendVersion } from './download';

/** Statuses in which the owner may still add a version (the service enforces the same list). */
const EDITABLE: readonly DocumentStatus[] = ['draft', 'returned'];
const UPLOAD_FIELDS = Object.keys(fa.documents.fieldErrors) as (keyof typeof fa.documents.fieldErrors)[];
const QUEUE_MESSAGES = Object.keys(fa.documents.queue) as (keyof typeof fa.documents.queue)[];
/** The error codes an upload can meet; the upload script shows their text in the reader's language. */
const UPLOAD_ERROR_CODES = [
  'unsupported_type',
  'too_large',
  'validation_failed',
  'missing_file',
  'csrf',
  'upload_interrupted',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'invalid_transition',
  'bad_request',
  'internal',
] as const satisfies readonly (keyof typeof fa.errors)[];
/** File name extensions the portal accepts, for the file input and the script's check before sending. */
export const UPLOAD_EXTENSIONS: readonly string[] = ALLOWED_TYPES.flatMap((type) => type.extensions);

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
      title: res.locals.t('documents.list.title'),
      statuses: DOCUMENT_STATUSES,
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

  // A browser without the upload script posts the form and gets a page; the script asks for JSON
  // (`Accept: application/json`) and gets `201 { id, url }`, or the error as JSON from the error handler.
  router.post(
    '/documents/new',
    requirePageUser,
    verifyCsrf,
    mayUpload(documents, 'new-document'),
    upload,
    async (req, res) => {
      const user = currentUser(req);
      const { t } = res.locals;
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
        const fields = fieldsOf(error);
        const messages = [...new Set(fields.map((field) => (isUploadField(field) ? t(`documents.fieldErrors.${field}`) : t('errors.validation_failed'))))];
        if (wantsJson(req)) {
          res.status(400).json({ error: { code: 'validation_failed', message: error.message, details: { fields: fields.map((field) => ({ field })) }, messages } });
          return;
        }
        if (fileWasSent) messages.push(t('documents.fileNotKept'));
        renderUploadForm(res, user, values, 400, messages);
        return;
      }
      const url = `/documents/${created.id}`;
      if (wantsJson(req)) {
        res.status(201).location(url).json({ id: created.id, url });
        return;
      }
      req.session.flash = t('documents.flash.uploaded');
      res.redirect(303, url);
    },
  );

  router.get('/documents/:id', requirePageUser, async (req, res) => {
    const user = currentUser(req);
    await renderDocument(req, res, documents.getVisible(user, req.params.id as string));
  });

  // For the upload script, which polls it after each file: a signed-out caller gets 401 (not the sign-in
  // redirect pages get, which a script could not follow), a document the caller may not see 404.
  router.get('/documents/:id/status', (req, res) => {
    if (!req.user) throw new UnauthenticatedError();
    const user = currentUser(req);
    const doc = documents.getVisible(user, req.params.id as string);
    const { state, reason } = doc.indexing;
    res.set('Cache-Control', 'no-store').json({
      id: doc.id,
      url: `/documents/${doc.id}`,
      version: currentVersion(doc)?.number ?? null,
      state,
      reason: state === 'failed' && canManage(user, doc) ? reason : null,
      searchable: state === 'done',
      message: res.locals.t(`documents.indexing.${state}`),
    });
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
      const { t } = res.locals;
      const id = req.params.id as string;
      let updated: PortalDocument;
      try {
        updated = await consumeStoredFile(req, store, () => documents.addVersion(user, id, requireStoredFile(req)));
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'missing_file') || wantsJson(req)) throw error;
        await renderDocument(req, res, documents.getVisible(user, id), 400, { version: t('errors.missing_file') });
        return;
      }
      const url = `/documents/${id}`;
      const version = updated.versions.at(-1)!.number;
      if (wantsJson(req)) {
        res.status(201).location(url).json({ id, url, version });
        return;
      }
      req.session.flash = t('documents.flash.versionUploaded', { number: version });
      res.redirect(303, url);
    },
  );

  router.post('/documents/:id/shares', requirePageUser, verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const id = req.params.id as string;
    const { cities } = parseInput(sharesSchema, withoutArraySuffix({ ...(req.body as Record<string, unknown> | undefined) }));
    await documents.setShares(user, id, cities);
    req.session.flash = res.locals.t('documents.flash.sharesUpdated');
    res.redirect(303, `/documents/${id}`);
  });

  return router;

  function renderUploadForm(res: Response, user: User, values: UploadFormValues, status = 200, errors: string[] = []): void {
    res.status(status).render('document-new', {
      title: res.locals.t('documents.upload.title'),
      values,
      errors,
      resolutionChoices: resolutionChoices(services.reference, user, res.locals.locale),
      maxUploadBytes: services.config.maxUploadBytes,
      extensions: UPLOAD_EXTENSIONS,
      uploadMessages: uploadMessages(res),
      scripts: ['/static/js/upload.js'],
      ownCity: user.role === 'city' ? user.city : null,
    });
  }
}

/** The document page, optionally with an error next to one of its forms; the review pages use it too. */
export function documentPageRenderer(services: Services) {
  const { review, audit, reference } = services;
  return async (req: Request, res: Response, doc: PortalDocument, status = 200, errors: DocumentPageErrors = {}): Promise<void> => {
    const user = currentUser(req);
    const related = await relatedFromOtherCities(services, user, doc);
    const { t, locale } = res.locals;
    const manage = canManage(user, doc);
    const canAddVersion = manage && EDITABLE.includes(doc.status);
    res.status(status).render('document', {
      title: doc.title,
      doc,
      manage,
      actions: review.allowedActions(user, doc, manage),
      history: audit.forDocument(doc.id),
      historyLabel: (action: string) => {
        const key = `audit.actions.${action}`;
        return hasMessage(locale, key) ? t(key as MessageKey) : action;
      },
      listSeparator: t('documents.listSeparator'),
      canAddVersion,
      canShare: manage && doc.access === 'restricted' && doc.status !== 'withdrawn',
      resolutionText: new Map(resolutionChoices(reference, user, locale).map((r) => [r.ref, r.text])),
      errors,
      maxUploadBytes: services.config.maxUploadBytes,
      extensions: UPLOAD_EXTENSIONS,
      uploadMessages: canAddVersion ? uploadMessages(res) : '',
      scripts: canAddVersion ? ['/static/js/upload.js'] : [],
      openAtPage: pageToOpen(req.query.page, doc),
      cityOptions: reference.cities().filter((c) => c.id !== doc.city),
      related,
    });
  };
}

/** The "related experience from other cities" box (views/partials/related-documents.ejs): empty when the search engine cannot answer now. */
async function relatedFromOtherCities(services: Services, user: User, doc: PortalDocument) {
  try {
    return (await services.search.related(user, doc.id)).filter((hit) => hit.city !== doc.city);
  } catch (error) {
    console.error(error);
    return [];
  }
}

/** `?page=N` from a search hit, when the latest version is a PDF the browser can open at that page. */
function pageToOpen(page: unknown, doc: PortalDocument): number | null {
  if (typeof page !== 'string' || !/^[1-9][0-9]{0,5}$/.test(page)) return null;
  return currentVersion(doc)?.contentType === 'application/pdf' ? Number(page) : null;
}

/** What public/js/upload.js says, in the reader's language, as JSON safe inside a `<script>` element. */
function uploadMessages(res: Response): string {
  const { t, locale } = res.locals;
  const messages = {
    locale,
    queue: Object.fromEntries(QUEUE_MESSAGES.map((key) => [key, t(`documents.queue.${key}`)])),
    errors: Object.fromEntries(UPLOAD_ERROR_CODES.map((code) => [code, t(`errors.${code}`)])),
  };
  return JSON.stringify(messages).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function isUploadField(field: string): field is (typeof UPLOAD_FIELDS)[number] {
  return (UPLOAD_FIELDS as readonly string[]).includes(field);
}


function emptyUploadForm(user: User): UploadFormValues {
  return {
    title: '',
    summary: '',
    kind: '',
    hazards: [],
    year: String(solarYear()),
    keywords: '',
    resolutions: [],
    access: 'portal',
    sharedWith: [],
    city: user.role === 'city' ? (user.city ?? '') : '',
  };
}


function uploadFormValues(body: Record<string, unknown>): UploadFormValues {
  const keywords = body.keywords;
  return {
    title: firstString(body.title),
    summary: firstString(body.summary),
    kind: firstString(body.kind),
    hazards: formStrings(body.hazards),
    year: firstString(body.year),
    keywords: Array.isArray(keywords) ? formStrings(keywords).join('، ') : firstString(keywords),
    resolutions: formStrings(body.resolutions),
    access: firstString(body.access) || 'portal',
    sharedWith: formStrings(body.sharedWith),
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
    year: latinDigits(values.year.trim()),
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







