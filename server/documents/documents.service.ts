import crypto from 'node:crypto';
import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { AuditLog } from '../audit/audit.log';
import type { User } from '../auth/roles';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import type { StoreRegistry } from '../../storage/store-registry';
import { canDelete, canEdit, canManage, canUpload, canView, visibleVersions } from './access.policy';
import { currentVersion, pendingRevision, type DocumentStatus, type DocumentVersion, type PortalDocument, type StoredFile } from './document';
import type { DocumentListFilter, DocumentsRepository } from './documents.repository';
import type { DocumentMetadata, MetadataUpdate } from './documents.schema';
import type { JobsQueue } from '../jobs/jobs.queue';
import type { DocumentChangeListener } from './document-changes';
import { auditDetailsOf, metadataChanges } from './metadata-changes';
import { shortened, type NotificationInput } from '../notifications/notifications.service';
import { previewPrefix } from '../previews/preview-keys';

/** The part of the notifications service the documents service needs: one synchronous call inside a transaction. */
export interface DocumentNotifier {
  notify(input: NotificationInput): number;
}

/** A file already in the portal with the same bytes, in a document the uploader may see. */
export interface Duplicate {
  id: string;
  title: string;
}

/** What a new file becomes: a version of a draft or returned document, or a revision of a published one. */
export type NewFileKind = 'version' | 'revision';

/** Statuses in which the owner may still change the file and the metadata. */
const EDITABLE: readonly DocumentStatus[] = ['draft', 'returned'];

export class DocumentsService {
  constructor(
    private readonly db: Db,
    private readonly repository: DocumentsRepository,
    private readonly audit: AuditLog,
    private readonly jobs: JobsQueue,
    private readonly changes: DocumentChangeListener,
    private readonly stores: Pick<StoreRegistry, 'for'>,
    private readonly notifier: DocumentNotifier,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** The document if `actor` may see it; otherwise NotFound, exactly as for an id that does not exist. */
  getVisible(actor: User, id: string): PortalDocument {
    const doc = this.repository.find(id);
    if (!doc || !canView(actor, doc)) throw new NotFoundError('no such document');
    return doc;
  }

  /** The document if `actor` may manage it: 404 when they cannot see it, 403 when they see it but may not change it. */
  getManageable(actor: User, id: string): PortalDocument {
    const doc = this.getVisible(actor, id);
    if (!canManage(actor, doc)) throw new ForbiddenError('only the owner city and the secretariat may change this document');
    return doc;
  }

  /** The document if `actor` may correct its details now: 404 / 403 as `getManageable`, 409 when its city may not edit it in this state. */
  getEditable(actor: User, id: string): PortalDocument {
    const doc = this.getManageable(actor, id);
    if (!canEdit(actor, doc)) {
      throw new ConflictError(`a ${doc.status} document cannot be edited by its city; only a draft or a returned one can`, 'invalid_transition');
    }
    return doc;
  }

  /** Checked before any byte of a new version is accepted. */
  assertCanAddVersion(actor: User, id: string): PortalDocument {
    const doc = this.getManageable(actor, id);
    if (this.newFileKind(doc) === null) {
      if (doc.status === 'published') {
        throw new ConflictError('a revision of this document is already waiting for review; it takes another once the secretariat has published or returned it', 'invalid_transition');
      }
      throw new ConflictError(`a ${doc.status} document takes no new version; only a draft, a returned or a published one does`, 'invalid_transition');
    }
    return doc;
  }

  /**
   * What a new file for `doc` would be, or null when it takes none: a draft or returned document takes versions;
   * a published one takes a revision that waits for review, one at a time (while one waits, the secretariat
   * decides on exactly the file it has in front of it).
   */
  newFileKind(doc: PortalDocument): NewFileKind | null {
    if (EDITABLE.includes(doc.status)) return 'version';
    if (doc.status === 'published' && !pendingRevision(doc)) return 'revision';
    return null;
  }

  assertCanUpload(actor: User): void {
    if (!canUpload(actor)) throw new ForbiddenError('readers may not upload documents');
  }

  list(actor: User, filter: DocumentListFilter): { total: number; documents: PortalDocument[] } {
    return this.repository.list(actor, filter);
  }

  /** A version `actor` may download: the current one by default; a revision under review only for those who manage the document. */
  version(actor: User, id: string, number?: number): { document: PortalDocument; version: DocumentVersion } {
    const document = this.getVisible(actor, id);
    const version = number === undefined ? currentVersion(document) : visibleVersions(actor, document).find((v) => v.number === number);
    if (!version) throw new NotFoundError(`document ${id} has no version ${number}`);
    return { document, version };
  }

  async create(actor: User, metadata: DocumentMetadata, file: StoredFile): Promise<PortalDocument> {
    this.assertCanUpload(actor);
    const city = this.owningCity(actor, metadata.city);
    this.assertVocabulary(metadata);
    const id = crypto.randomUUID();
    const at = nowIso();
    this.db.transaction(() => {
      this.repository.insert({
        id,
        city,
        title: metadata.title,
        summary: metadata.summary,
        kind: metadata.kind,
        year: metadata.year,
        access: metadata.access,
        hazards: metadata.hazards,
        keywords: metadata.keywords,
        resolutions: metadata.resolutions,
        sharedWith: metadata.sharedWith.filter((c) => c !== city),
        createdBy: actor.id,
        at,
      });
      this.repository.addVersion(id, file, actor.id, at);
      this.jobs.enqueue('index', id);
      this.jobs.enqueue('extract', id);
      this.audit.record(actor, 'document.created', { documentId: id, details: { city, title: metadata.title, version: 1, sha256: file.sha256 } });
    })();
    await this.changes.documentChanged(id);
    return this.repository.find(id)!;
  }

  /**
   * A new file: on a draft or returned document the new current version (extracted and indexed again); on a
   * published document a revision that waits for the secretariat, while readers keep the published version
   * (nothing of it reaches the index until it is published).
   */
  async addVersion(actor: User, id: string, file: StoredFile): Promise<PortalDocument> {
    const at = nowIso();
    this.db.transaction(() => {
      const doc = this.assertCanAddVersion(actor, id);
      const details = { filename: file.filename, sha256: file.sha256 };
      if (this.newFileKind(doc) === 'revision') {
        const number = this.repository.addPendingRevision(id, file, actor.id, at);
        // Not extracted until published, but the secretariat previews it on the review desk.
        this.jobs.enqueue('preview', id);
        this.audit.record(actor, 'document.revision_added', { documentId: id, details: { version: number, ...details } });
        this.notifier.notify(revisionWaits(doc, this.reviewers(actor)));
        return;
      }
      const number = this.repository.addVersion(id, file, actor.id, at);
      this.jobs.enqueue('index', id);
      this.jobs.enqueue('extract', id);
      this.audit.record(actor, 'document.version_added', { documentId: id, details: { version: number, ...details } });
    })();
    await this.changes.documentChanged(id);
    return this.repository.find(id)!;
  }

  /** Other documents `actor` may see that hold a file with these bytes (a version `actor` may see, revisions included only for their managers). */
  duplicatesOf(actor: User, documentId: string, sha256: string): Duplicate[] {
    return this.repository.withSameBytes(actor, sha256, documentId);
  }

  /** The packages that list the document (what its deletion takes it out of). */
  packagesListing(id: string): string[] {
    return this.repository.packagesListing(id);
  }

  /** 404 when `actor` cannot see the document, 403 when they may not delete it (a city: once published, or another city's). */
  assertCanDelete(actor: User, id: string): PortalDocument {
    const doc = this.getVisible(actor, id);
    if (!canManage(actor, doc)) throw new ForbiddenError('only the owner city and the secretariat may delete this document');
    if (!canDelete(actor, doc)) throw new ForbiddenError('a document that was once published can be deleted only by the secretariat');
    return doc;
  }

  /**
   * Deletes the document with every version, page, share and package item; the index entry goes through an
   * `index` job queued in the same transaction, the stored files (and their page images) after commit. The audit rows stay, with this
   * one saying who deleted it and why. The secretariat must give a reason.
   */
  async delete(actor: User, id: string, reason: string | undefined): Promise<void> {
    let versions: DocumentVersion[] = [];
    this.db.transaction(() => {
      const doc = this.assertCanDelete(actor, id);
      if (actor.role === 'secretariat' && !reason) {
        throw new BadRequestError('reason: the secretariat gives a reason for deleting a document', { fields: [{ field: 'reason' }] }, 'validation_failed');
      }
      const packages = this.repository.packagesListing(id);
      this.repository.delete(id);
      this.jobs.enqueue('index', id);
      this.audit.record(actor, 'document.deleted', {
        documentId: id,
        details: { title: doc.title, city: doc.city, status: doc.status, versions: doc.versions.length, packages, ...(reason ? { reason } : {}) },
      });
      if (actor.role !== 'city' || actor.city !== doc.city) this.notifier.notify(deletedNotice(doc, reason));
      versions = doc.versions;
    })();
    await this.changes.documentChanged(id);
    for (const version of versions) {
      try {
        await this.stores.for(version.store).delete(version.objectKey);
        await this.stores.for(version.store).deletePrefix(previewPrefix(version));
      } catch (error) {
        this.log(`deleted document ${id}: its version ${version.number} (${version.store} ${version.objectKey}) stays in the store: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /**
   * A correction of the details (never the file): the owner city while the document is a draft or returned,
   * the secretariat in any state, and only the secretariat moves it to another city (visibility follows the
   * new city). 404 when the actor cannot see it, 403 when they may not change it, 409 when its city may not
   * edit it in this state. Only what really changes is written and audited (field names, old → new); a
   * correction that changes nothing writes nothing. The index has the new details before this returns.
   */
  async updateMetadata(actor: User, id: string, update: MetadataUpdate): Promise<PortalDocument> {
    let changed = false;
    this.db.transaction(() => {
      const doc = this.getEditable(actor, id);
      if (update.city !== undefined && update.city !== doc.city && actor.role !== 'secretariat') {
        throw new ForbiddenError('only the secretariat moves a document to another city');
      }
      this.assertVocabulary(update);
      if (update.city !== undefined) this.assertCities([update.city], 'city');
      const changes = metadataChanges(doc, update);
      if (changes.length === 0) return;
      changed = true;
      const after = Object.fromEntries(changes.map((c) => [c.field, c.to])) as MetadataUpdate;
      const { hazards, keywords, resolutions, sharedWith, city, ...fields } = after;
      const at = nowIso();
      this.repository.updateFields(id, fields, at);
      if (city !== undefined) this.repository.moveToCity(id, city);
      this.repository.replaceLists(id, { hazards, keywords, resolutions });
      if (sharedWith) this.repository.replaceShares(id, sharedWith);
      this.jobs.enqueue('index', id);
      this.audit.record(actor, 'document.updated', { documentId: id, details: { ...auditDetailsOf(changes), status: doc.status } });
    })();
    if (changed) await this.changes.documentChanged(id);
    return this.repository.find(id)!;
  }

  async setShares(actor: User, id: string, cities: string[]): Promise<PortalDocument> {
    const doc = this.getManageable(actor, id);
    if (doc.status === 'withdrawn') throw new ConflictError('a withdrawn document cannot be shared', 'invalid_transition');
    this.assertCities(cities, 'cities');
    this.db.transaction(() => {
      this.repository.replaceShares(id, cities.filter((c) => c !== doc.city));
      this.jobs.enqueue('index', id);
      this.audit.record(actor, 'document.shared', { documentId: id, details: { cities } });
    })();
    await this.changes.documentChanged(id);
    return this.repository.find(id)!;
  }

  private reviewers(actor: User): number[] {
    return this.db.prepare("SELECT id FROM users WHERE role = 'secretariat' AND disabled = 0 AND id != ?").pluck().all(actor.id) as number[];
  }

  private owningCity(actor: User, requested: string | undefined): string {
    if (actor.role === 'city') {
      if (requested && requested !== actor.city) throw new ForbiddenError('a city uploads only for itself');
      return actor.city!;
    }
    if (!requested) throw new BadRequestError('city: the secretariat names the city a document belongs to', { fields: [{ field: 'city' }] }, 'validation_failed');
    this.assertCities([requested], 'city');
    return requested;
  }

  private assertVocabulary(metadata: Partial<Pick<DocumentMetadata, 'kind' | 'hazards' | 'resolutions' | 'sharedWith'>>): void {
    const problems: { field: string; message: string }[] = [];
    if (metadata.kind !== undefined && !this.repository.existingIds('kind', [metadata.kind]).has(metadata.kind)) {
      problems.push({ field: 'kind', message: `unknown kind ${metadata.kind}` });
    }
    const hazards = metadata.hazards ?? [];
    const knownHazards = this.repository.existingIds('hazard', hazards);
    for (const hazard of hazards) if (!knownHazards.has(hazard)) problems.push({ field: 'hazards', message: `unknown hazard ${hazard}` });
    const refs = metadata.resolutions ?? [];
    const knownRefs = this.repository.existingResolutions(refs);
    for (const ref of refs) if (!knownRefs.has(ref)) problems.push({ field: 'resolutions', message: `unknown resolution ${ref}` });
    const shared = metadata.sharedWith ?? [];
    const knownCities = this.repository.existingIds('cities', shared);
    for (const city of shared) if (!knownCities.has(city)) problems.push({ field: 'sharedWith', message: `unknown city ${city}` });
    if (problems.length > 0) {
      throw new BadRequestError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { fields: problems }, 'validation_failed');
    }
  }

  private assertCities(cities: string[], field: string): void {
    const known = this.repository.existingIds('cities', cities);
    const unknown = cities.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      throw new BadRequestError(`${field}: unknown city ${unknown.join(', ')}`, { fields: [{ field, message: 'unknown city' }] }, 'validation_failed');
    }
  }
}

function revisionWaits(doc: PortalDocument, reviewers: number[]): NotificationInput {
  return { to: { userIds: reviewers }, kind: 'document.revision_submitted', message: { key: 'revisionSubmitted', params: { title: doc.title } }, link: `/documents/${doc.id}` };
}

function deletedNotice(doc: PortalDocument, reason: string | undefined): NotificationInput {
  return {
    to: { cities: [doc.city] },
    kind: 'document.deleted',
    message: reason ? { key: 'documentDeletedWithReason', params: { title: doc.title, reason: shortened(reason) } } : { key: 'documentDeleted', params: { title: doc.title } },
    link: '/documents',
  };
}
