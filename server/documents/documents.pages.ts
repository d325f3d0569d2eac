import { Router, type Request, type Response } from 'express';
import type { Services } from '../services';
import type { User } from '../auth/roles';
import { currentUser, requirePageUser } from '../auth/passport';
import { verifyCsrf } from '../auth/csrf';
import { parseInput } from '../http/validate';
import { AppError, BadRequestError, UnauthenticatedError } from '../http/errors';
import { wantsJson } from '../http/error-handler';
import { hasMessage, type MessageKey, type Translate } from '../i18n/index';
import { fa } from '../i18n/fa/index';
import { ALLOWED_TYPES, type FileTypeId } from './file-type';
import { canDelete, canEdit, canManage, historyVisibleTo, visibleVersions } from './access.policy';
import { currentVersion, DOCUMENT_STATUSES, latestRevision, type PortalDocument } from './document';
import { deleteSchema, documentMetadataSchema, listQuerySchema, sharesSchema, versionQuerySchema } from './documents.schema';
import type { Duplicate } from './documents.service';
import { fieldsOf, firstString, formStrings, isFormError, withoutArraySuffix, withoutEmptyStrings } from '../http/form';
import { latinDigits, solarYear } from '../i18n/solar-hijri';
import { resolutionChoices } from '../resolutions/resolution-choices';
import { consumeStoredFile, mayUpload, requireStoredFile, singleFileUpload } from './upload.middleware';
import { sendVersion } from './download';
import { localPath } from '../http/local-path';
import { previewLinks } from '../previews/preview-links';
import { bulkFormProblem, bulkOutcomeOf, readBulkForm, takeBulkOutcome, type BulkOutcome } from '../review/bulk-outcome';

declare module 'express-session' {
  interface SessionData {
    /** Shown once on the page of the document just uploaded: other documents holding the same bytes. */
    uploadDuplicates?: { documentId: string; duplicates: Duplicate[] };
  }
}

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
  'storage_full',
  'busy',
  'stopping',
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

/** What the list shows of "submit selected": the results of the last one, or a form that could not be run, as it was. */
interface ListBulkState {
  status?: number;
  outcome?: BulkOutcome | null;
  problem?: string;
  selected?: string[];
  selectAll?: boolean;
}

export interface DocumentPageErrors {
  return?: string;
  version?: string;
  shares?: string;
}

export function documentsPages(services: Services): Router {
  const { documents, store, stores } = services;
  const upload = singleFileUpload(store, services.config.maxUploadBytes, services.disk);
  const renderDocument = documentPageRenderer(services);
  const router = Router();

  router.get('/', requirePageUser, (req, res) => {
    res.redirect(303, currentUser(req).role === 'secretariat' ? '/review' : '/documents');
  });

  router.get('/documents', requirePageUser, (req, res) => {
    const query = req.query as Record<string, unknown>;
    renderList(req, res, query, { selectAll: query.select === 'all', outcome: takeBulkOutcome(req) });
  });

  /**
   * "Submit selected" on the list of one's documents, and "submit all" after a multi-file upload: each ticked
   * document through the same `apply` in its own transaction (ReviewService.applyMany), then back to the list
   * with each one's result. Nothing ticked shows the list again, as it was, with the reason (400).
   */
  router.post('/documents/bulk', requirePageUser, verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const body = { ...(req.body as Record<string, unknown> | undefined) };
    const named = localPath(body._back, '/documents');
    const back = named === '/documents' || named.startsWith('/documents?') ? named : '/documents';
    const form = readBulkForm(body);
    const problem = bulkFormProblem(res.locals.t, form, ['submit'], []);
    if (problem) {
      renderList(req, res, Object.fromEntries(new URL(back, 'http://portal').searchParams), { status: 400, problem, selected: form.ids });
      return;
    }
    const results = await services.review.applyMany(user, form.ids, 'submit');
    req.session.bulkOutcome = bulkOutcomeOf(documents, user, 'submit', results);
    res.redirect(303, back);
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
        renderUploadForm(res, user, values, 400, messages, fieldMessages(t, fields));
        return;
      }
      const url = `/documents/${created.id}`;
      const duplicates = documents.duplicatesOf(user, created.id, created.versions.at(-1)!.sha256);
      if (wantsJson(req)) {
        res.status(201).location(url).json({ id: created.id, url, duplicates: duplicates.map(withUrl) });
        return;
      }
      req.session.flash = t('documents.flash.uploaded');
      if (duplicates.length > 0) req.session.uploadDuplicates = { documentId: created.id, duplicates };
      res.redirect(303, url);
    },
  );

  router.get('/documents/:id', requirePageUser, async (req, res) => {
    const user = currentUser(req);
    await renderDocument(req, res, documents.getVisible(user, req.params.id as string));
  });

  /** The document's details in the upload form's fields, pre-filled; 404 / 403 / 409 as the PATCH API answers. */
  router.get('/documents/:id/edit', requirePageUser, (req, res) => {
    const doc = documents.getEditable(currentUser(req), req.params.id as string);
    renderEditForm(req, res, doc, formValuesOf(doc, res.locals.t('documents.listSeparator')));
  });

  /**
   * Saves the whole form through the same `updateMetadata` the PATCH API calls (the same rules, audit row and
   * re-indexing); "save and submit" then submits it as the document page's button does. A refusal shows the
   * form again with what was typed and a message next to each refused field.
   */
  router.post('/documents/:id/edit', requirePageUser, verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const { t } = res.locals;
    // What may not be seen or changed at all is refused as the page itself would be; a state that stopped
    // allowing the edit since the form was opened gets the form back, with what was typed (409).
    const doc = documents.getManageable(user, req.params.id as string);
    const body = withoutArraySuffix({ ...(req.body as Record<string, unknown> | undefined) });
    const values = uploadFormValues(body);
    const notEditable = (now: PortalDocument) =>
      renderEditForm(req, res, now, values, 409, [], t('documents.edit.notEditable', { status: t(`documents.status.${now.status}`) }));
    if (!canEdit(user, doc)) return notEditable(doc);
    let saved: PortalDocument;
    try {
      saved = await documents.updateMetadata(user, doc.id, parseInput(documentMetadataSchema, metadataInput(values)));
    } catch (error) {
      if (isFormError(error)) return renderEditForm(req, res, doc, values, 400, fieldsOf(error));
      if (error instanceof AppError && error.status === 409) return notEditable(documents.getVisible(user, doc.id));
      throw error;
    }
    const changed = saved.updatedAt !== doc.updatedAt;
    if (firstString(body.then) === 'submit') {
      await services.review.apply(user, doc.id, 'submit');
      req.session.flash = t('documents.edit.flash.savedAndSubmitted');
    } else {
      req.session.flash = t(changed ? 'documents.edit.flash.saved' : 'documents.edit.flash.unchanged');
    }
    res.redirect(303, `/documents/${doc.id}`);
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
    await sendVersion(req, res, stores, version);
  });

  router.get('/documents/:id/view', requirePageUser, async (req, res) => {
    const user = currentUser(req);
    const { version } = documents.version(user, req.params.id as string);
    await sendVersion(req, res, stores, version, 'inline');
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
      const added = updated.versions.at(-1)!;
      const pending = added.revision === 'pending';
      const duplicates = documents.duplicatesOf(user, id, added.sha256);
      if (wantsJson(req)) {
        res.status(201).location(url).json({ id, url, version: added.number, pending, duplicates: duplicates.map(withUrl) });
        return;
      }
      req.session.flash = pending
        ? t('documents.revision.flashUploaded', { number: added.number })
        : t('documents.flash.versionUploaded', { number: added.number });
      if (duplicates.length > 0) req.session.uploadDuplicates = { documentId: id, duplicates };
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

  // Deleting asks first: what goes, and (for the secretariat, required) why.
  router.get('/documents/:id/delete', requirePageUser, (req, res) => {
    const user = currentUser(req);
    const doc = documents.assertCanDelete(user, req.params.id as string);
    renderDeletion(res, user, doc, '');
  });

  router.post('/documents/:id/delete', requirePageUser, verifyCsrf, async (req, res) => {
    const user = currentUser(req);
    const id = req.params.id as string;
    const doc = documents.assertCanDelete(user, id);
    const typed = firstString((req.body as Record<string, unknown> | undefined)?.reason);
    let reason: string | undefined;
    try {
      ({ reason } = parseInput(deleteSchema, { reason: typed }));
      await documents.delete(user, id, reason);
    } catch (error) {
      if (!isFormError(error)) throw error;
      renderDeletion(res, user, doc, typed, 400, res.locals.t('documents.removal.reasonRequired'));
      return;
    }
    req.session.flash = res.locals.t('documents.removal.deleted', { title: doc.title });
    res.redirect(303, '/documents');
  });

  return router;

  function renderList(req: Request, res: Response, query: Record<string, unknown>, bulk: ListBulkState): void {
    const user = currentUser(req);
    // A city user starts on their own city's documents; `?city=` (empty) asks for everything they may see.
    const explicitAll = query.city === '';
    const city = query.city === undefined && user.role === 'city' ? user.city : query.city;
    const filter = parseInput(listQuerySchema, withoutEmptyStrings({ ...query, select: undefined, city }));
    const { total, documents: found } = documents.list(user, filter);
    const pages = Math.max(1, Math.ceil(total / filter.perPage));
    const href = (page: number, more: Record<string, string> = {}) => {
      const params = new URLSearchParams();
      if (filter.city) params.set('city', filter.city);
      else if (explicitAll || user.role === 'city') params.set('city', '');
      if (filter.status) params.set('status', filter.status);
      if (filter.perPage !== 20) params.set('perPage', String(filter.perPage));
      if (page > 1) params.set('page', String(page));
      for (const [key, value] of Object.entries(more)) params.set(key, value);
      const search = params.toString();
      return search ? `/documents?${search}` : '/documents';
    };
    // Rows the reader could send for review now get a checkbox for "submit selected".
    const submittable = found.filter((d) => services.review.allowedActions(user, d, canManage(user, d)).includes('submit')).map((d) => d.id);
    res.status(bulk.status ?? 200).render('documents', {
      title: res.locals.t('documents.list.title'),
      statuses: DOCUMENT_STATUSES,
      documents: found,
      total,
      filter,
      pages,
      href,
      ownCityView: user.role === 'city' && filter.city === user.city && !filter.status,
      bulkOutcome: bulk.outcome ?? null,
      bulk: { problem: bulk.problem ?? null, selected: bulk.selected ?? [], selectAll: bulk.selectAll ?? false, submittable, back: href(filter.page) },
      selectAllHref: href(filter.page, { select: 'all' }),
      scripts: submittable.length > 0 ? ['/static/js/select-all.js'] : [],
    });
  }

  function renderEditForm(req: Request, res: Response, doc: PortalDocument, values: UploadFormValues, status = 200, fields: string[] = [], problem?: string): void {
    const user = currentUser(req);
    const { t, locale } = res.locals;
    const fieldErrors = fieldMessages(t, fields);
    const unnamed = fields.some((field) => !isUploadField(field)) ? [t('errors.validation_failed')] : [];
    const returned = doc.status === 'returned' ? services.audit.forDocument(doc.id).filter((e) => e.action === 'document.returned').at(-1) : undefined;
    res.status(status).render('document-edit', {
      title: t('documents.edit.title', { title: doc.title }),
      doc,
      values,
      errors: [...(problem ? [problem] : []), ...Object.values(fieldErrors), ...unnamed],
      fieldErrors,
      resolutionChoices: resolutionChoices(services.reference, user, locale),
      chooseCity: user.role === 'secretariat',
      ownerCity: values.city || doc.city,
      file: currentVersion(doc),
      returned: doc.status === 'returned' && doc.reviewComment ? { comment: doc.reviewComment, by: returned?.username ?? null, at: returned?.at ?? null } : null,
      canSubmit: services.review.allowedActions(user, doc, canManage(user, doc)).includes('submit'),
    });
  }

  function renderDeletion(res: Response, user: User, doc: PortalDocument, reason: string, status = 200, error?: string): void {
    const { t } = res.locals;
    const packages = documents.packagesListing(doc.id).length;
    const required = user.role === 'secretariat';
    renderConfirmation(res, doc, {
      action: 'delete',
      heading: t('documents.removal.title'),
      question: t('documents.removal.question', { title: doc.title }),
      paragraphs: [
        t('documents.removal.explain', { count: doc.versions.length }),
        ...(packages > 0 ? [t('documents.removal.inPackages', { count: packages })] : []),
      ],
      reasonLabel: t(required ? 'documents.removal.reason' : 'documents.removal.reasonOptional'),
      reasonHint: t('documents.removal.reasonHint'),
      reasonRequired: required,
      confirm: t('documents.removal.confirm'),
    }, reason, status, error);
  }

  function renderUploadForm(res: Response, user: User, values: UploadFormValues, status = 200, errors: string[] = [], fieldErrors: FieldMessages = {}): void {
    res.status(status).render('document-new', {
      title: res.locals.t('documents.upload.title'),
      values,
      errors,
      fieldErrors,
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
  const { review, audit, reference, documents } = services;
  return async (req: Request, res: Response, doc: PortalDocument, status = 200, errors: DocumentPageErrors = {}): Promise<void> => {
    const user = currentUser(req);
    const related = await relatedFromOtherCities(services, user, doc);
    const { t, locale } = res.locals;
    const manage = canManage(user, doc);
    const newFileKind = manage ? documents.newFileKind(doc) : null;
    const canAddVersion = newFileKind !== null;
    const shown = req.session.uploadDuplicates;
    const duplicates = shown?.documentId === doc.id ? shown.duplicates : [];
    if (shown?.documentId === doc.id) delete req.session.uploadDuplicates;
    res.status(status).render('document', {
      title: doc.title,
      doc,
      manage,
      versions: visibleVersions(user, doc),
      published: currentVersion(doc),
      revision: manage ? latestRevision(doc) : undefined,
      newFileKind,
      revisionWaiting: manage && doc.status === 'published' && newFileKind === null,
      canDelete: canDelete(user, doc),
      restoresTo: doc.status === 'withdrawn' ? review.restoresTo(doc) : null,
      duplicates,
      actions: review.allowedActions(user, doc, manage),
      history: historyVisibleTo(user, doc, audit.forDocument(doc.id)),
      historyLabel: (action: string) => {
        const key = `audit.actions.${action}`;
        return hasMessage(locale, key) ? t(key as MessageKey) : action;
      },
      listSeparator: t('documents.listSeparator'),
      canAddVersion,
      canEditDetails: canEdit(user, doc),
      changedFields: (fields: unknown) => changedFieldNames(t, fields),
      canShare: manage && doc.access === 'restricted' && doc.status !== 'withdrawn',
      resolutionText: new Map(resolutionChoices(reference, user, locale).map((r) => [r.ref, r.text])),
      errors,
      maxUploadBytes: services.config.maxUploadBytes,
      extensions: UPLOAD_EXTENSIONS,
      // A revision goes as a plain one-file form: the upload script would send several files (all but the first
      // refused while one waits) and report the published version's indexing as if it were the new file's.
      uploadMessages: newFileKind === 'version' ? uploadMessages(res) : '',
      scripts: newFileKind === 'version' ? ['/static/js/upload.js'] : [],
      openAtPage: pageToOpen(req.query.page, doc),
      readerQuery: typeof req.query.q === 'string' ? req.query.q.slice(0, 500) : '',
      cityOptions: reference.cities().filter((c) => c.id !== doc.city),
      related,
    });
  };
}

/** The field names a `document.updated` history entry lists, in the reader's language (names it does not know are left out). */
function changedFieldNames(t: Translate, fields: unknown): string {
  const known = Object.keys(fa.documents.edit.fieldNames);
  const names = Array.isArray(fields) ? fields.filter((f): f is keyof typeof fa.documents.edit.fieldNames => known.includes(f)) : [];
  return names.map((field) => t(`documents.edit.fieldNames.${field}`)).join(t('documents.listSeparator'));
}

/** What a confirmation page asks before a withdrawal or a deletion. */
export interface Confirmation {
  action: 'withdraw' | 'delete';
  heading: string;
  question: string;
  paragraphs: string[];
  reasonLabel: string;
  reasonHint: string;
  reasonRequired: boolean;
  confirm: string;
}

/** A confirmation page for `doc`, keeping the reason the user typed when it is refused. */
export function renderConfirmation(res: Response, doc: PortalDocument, page: Confirmation, reason: string, status = 200, error?: string): void {
  res.status(status).render('document-confirm', { title: page.heading, doc, page, reason, error: error ?? null });
}

function withUrl(duplicate: Duplicate): Duplicate & { url: string } {
  return { ...duplicate, url: `/documents/${duplicate.id}` };
}

/** The "related experience from other cities" box (views/partials/related-documents.ejs): empty when the search engine cannot answer now. */
async function relatedFromOtherCities(services: Services, user: User, doc: PortalDocument) {
  try {
    return (await services.search.related(user, doc.id)).filter((hit) => hit.city !== doc.city);
  } catch (error) {
    services.logger.error({ err: error, document: doc.id }, 'the search engine did not answer for related documents; the page shows none');
    return [];
  }
}

/** `?page=N` from a search hit, when the current version has pages the reader can show (server/previews/). */
function pageToOpen(page: unknown, doc: PortalDocument): number | null {
  if (typeof page !== 'string' || !/^[1-9][0-9]{0,5}$/.test(page)) return null;
  return previewLinks().has(currentVersion(doc)) ? Number(page) : null;
}

/** What public/js/upload.js says, in the reader's language, as JSON safe inside a `<script>` element. */
function uploadMessages(res: Response): string {
  const { t, locale } = res.locals;
  const messages = {
    locale,
    queue: Object.fromEntries(QUEUE_MESSAGES.map((key) => [key, t(`documents.queue.${key}`)])),
    errors: Object.fromEntries(UPLOAD_ERROR_CODES.map((code) => [code, t(`errors.${code}`)])),
    // What a chosen file is, before it is sent: its format in words (by its extension) and its size.
    fileTypes: Object.fromEntries([
      ...ALLOWED_TYPES.flatMap((type) => type.extensions.map((extension) => [extension, t(`files.type.${type.id as FileTypeId}`)])),
      ['other', t('files.type.other')],
    ]),
    fileLabel: t('files.label'),
    sizeUnits: t('common.fileSizeUnits'),
  };
  return JSON.stringify(messages).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function isUploadField(field: string): field is (typeof UPLOAD_FIELDS)[number] {
  return (UPLOAD_FIELDS as readonly string[]).includes(field);
}

/** Each refused field of the document form with its reason in the reader's language, shown next to it. */
type FieldMessages = Partial<Record<(typeof UPLOAD_FIELDS)[number], string>>;

function fieldMessages(t: Translate, fields: readonly string[]): FieldMessages {
  return Object.fromEntries(fields.filter(isUploadField).map((field) => [field, t(`documents.fieldErrors.${field}`)]));
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


/** A document's details as the form shows them (keywords joined with the reader's list separator). */
function formValuesOf(doc: PortalDocument, separator: string): UploadFormValues {
  return {
    title: doc.title,
    summary: doc.summary,
    kind: doc.kind,
    hazards: doc.hazards,
    year: String(doc.year),
    keywords: doc.keywords.join(separator),
    resolutions: doc.resolutions,
    access: doc.access,
    sharedWith: doc.sharedWith,
    city: doc.city,
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







