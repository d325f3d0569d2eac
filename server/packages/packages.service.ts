import crypto from 'node:crypto';
import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { AuditLog } from '../audit/audit.log';
import type { User } from '../auth/roles';
import { AppError, BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import { canView } from '../documents/access.policy';
import type { DocumentsRepository } from '../documents/documents.repository';
import { currentVersion, type PortalDocument } from '../documents/document';
import type { NotificationInput } from '../notifications/notifications.service';
import type { Audience, DeliveredItem, PackageItem, PortalPackage } from './package';
import type { AudienceInput, PackageCreate, PackageUpdate } from './packages.schema';

interface PackageRow {
  id: string;
  title: string;
  note: string;
  status: 'draft' | 'published';
  audience: 'all' | 'cities' | 'new-metropolises';
  created_by: number;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  downloads: number;
}

/** The part of the notifications service a package needs: one synchronous call inside the publish transaction. */
export interface PackageNotifier {
  notify(input: NotificationInput): number;
}

/**
 * Curated, ordered sets of published documents the secretariat sends to an audience.
 *
 * Who sees a package: the secretariat sees every package, drafts included. Everyone else sees
 * only published packages addressed to them: audience "all"; "cities" naming their city; or
 * "new metropolises" when their city carries the flag now. A reader who belongs to a city receives
 * what that city receives; one who belongs to none, only packages addressed to all. Any other
 * package answers 404, as if absent.
 *
 * What a package delivers: each item is checked again at every read — an item reaches a reader
 * only while its document is published and `canView` allows it, so a document withdrawn or
 * restricted after publication silently drops out of the page, the JSON and the ZIP.
 */
export class PackagesService {
  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsRepository,
    private readonly audit: AuditLog,
    private readonly notifier: PackageNotifier,
  ) {}

  /** Checked before the request body is read, so a non-secretariat gets 403 whatever it sends. */
  assertCanCompile(actor: User): void {
    assertSecretariat(actor);
  }

  listFor(user: User): PortalPackage[] {
    const where = this.addressedSql(user);
    const rows = this.db
      .prepare(`${SELECT_PACKAGE} WHERE ${where.sql} ORDER BY coalesce(p.published_at, p.created_at) DESC, p.id`)
      .all(where.params) as PackageRow[];
    return rows.map((row) => this.hydrate(row));
  }

  /** The package if it is addressed to `user` (or `user` is the secretariat); NotFound otherwise. */
  getFor(user: User, id: string): PortalPackage {
    const where = this.addressedSql(user);
    const row = this.db.prepare(`${SELECT_PACKAGE} WHERE p.id = @id AND ${where.sql}`).get({ ...where.params, id }) as PackageRow | undefined;
    if (!row) throw new NotFoundError('no such package');
    return this.hydrate(row);
  }

  /** The items `user` may receive right now, in order, each with its latest version. */
  deliveredItems(user: User, pkg: PortalPackage): DeliveredItem[] {
    const out: DeliveredItem[] = [];
    for (const item of pkg.items) {
      const document = this.documents.find(item.documentId);
      if (!document || !deliverable(user, document)) continue;
      const version = currentVersion(document);
      if (!version) continue;
      out.push({ position: item.position, note: item.note, document, version });
    }
    return out;
  }

  /** For the secretariat: items that no longer reach anyone because their document is not published any more. */
  undeliverableItems(user: User, pkg: PortalPackage): { item: PackageItem; document: PortalDocument | null }[] {
    if (user.role !== 'secretariat') return [];
    return pkg.items
      .map((item) => ({ item, document: this.documents.find(item.documentId) }))
      .filter(({ document }) => !document || document.status !== 'published');
  }

  create(actor: User, input: PackageCreate): PortalPackage {
    assertSecretariat(actor);
    const id = crypto.randomUUID();
    const at = nowIso();
    this.db.transaction(() => {
      this.assertItems(actor, input.documents);
      const resolutions = this.assertResolutions(input.resolutions ?? []);
      const audience = this.toAudience(input.audience);
      this.db
        .prepare('INSERT INTO packages (id, title, note, status, audience, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(id, input.title, input.note, 'draft', audience.kind, actor.id, at, at);
      this.writeAudience(id, audience);
      this.writeItems(id, input.documents);
      this.writeResolutions(id, resolutions);
      this.audit.record(actor, 'package.created', {
        target: id,
        details: { title: input.title, documents: input.documents.map((d) => d.id), resolutions },
      });
    })();
    return this.getFor(actor, id);
  }

  /**
   * The draft `actor` may change, for the edit page: NotFound when `actor` cannot see the package (as on its page),
   * Forbidden when they see it but do not compile packages, Conflict (as `update` answers) once it is published.
   */
  draftFor(actor: User, id: string): PortalPackage {
    const pkg = this.getFor(actor, id);
    assertSecretariat(actor);
    if (pkg.status !== 'draft') throw new ConflictError(PUBLISHED_IS_FINAL, 'invalid_transition');
    return pkg;
  }

  /** Title, cover note, items (order and notes), linked resolutions and audience may change while the package is a draft. */
  update(actor: User, id: string, input: PackageUpdate): PortalPackage {
    assertSecretariat(actor);
    this.db.transaction(() => {
      const pkg = this.getFor(actor, id);
      if (pkg.status !== 'draft') throw new ConflictError(PUBLISHED_IS_FINAL, 'invalid_transition');
      if (input.title !== undefined) this.db.prepare('UPDATE packages SET title = ? WHERE id = ?').run(input.title, id);
      if (input.note !== undefined) this.db.prepare('UPDATE packages SET note = ? WHERE id = ?').run(input.note, id);
      if (input.documents !== undefined) {
        this.assertItems(actor, input.documents);
        this.db.prepare('DELETE FROM package_items WHERE package_id = ?').run(id);
        this.writeItems(id, input.documents);
      }
      if (input.resolutions !== undefined) {
        const resolutions = this.assertResolutions(input.resolutions);
        this.db.prepare('DELETE FROM package_resolutions WHERE package_id = ?').run(id);
        this.writeResolutions(id, resolutions);
      }
      if (input.audience !== undefined) {
        const audience = this.toAudience(input.audience);
        this.db.prepare('UPDATE packages SET audience = ? WHERE id = ?').run(audience.kind, id);
        this.db.prepare('DELETE FROM package_audience WHERE package_id = ?').run(id);
        this.writeAudience(id, audience);
      }
      this.db.prepare('UPDATE packages SET updated_at = ? WHERE id = ?').run(nowIso(), id);
      this.audit.record(actor, 'package.updated', { target: id, details: { fields: Object.keys(input) } });
    })();
    return this.getFor(actor, id);
  }

  /**
   * Publishes once and notifies the audience in the same transaction; `notified` says how many people were told
   * (none when the audience means no one today, e.g. no city is marked a new metropolis yet).
   */
  publish(actor: User, id: string): PortalPackage & { notified: number } {
    assertSecretariat(actor);
    const notified = this.db.transaction(() => {
      const pkg = this.getFor(actor, id);
      if (pkg.status === 'published') throw new ConflictError('the package is already published', 'already_published');
      if (this.deliveredItems(actor, pkg).length === 0) {
        throw new ConflictError('none of the package documents is published any more', 'empty_package');
      }
      const at = nowIso();
      this.db.prepare("UPDATE packages SET status = 'published', published_at = ?, updated_at = ? WHERE id = ?").run(at, at, id);
      const told = this.notifier.notify({ to: this.recipients(pkg.audience), kind: 'package.received', message: { key: 'packageReceived', params: { title: pkg.title } }, link: `/packages/${id}` });
      this.audit.record(actor, 'package.published', { target: id, details: { audience: pkg.audience, notified: told } });
      return told;
    })();
    return { ...this.getFor(actor, id), notified };
  }

  /**
   * A city just marked a new metropolis: the packages already published to new metropolises reach its users
   * from now on (by `addressedSql`, at read time); each of them is told of each package, as at publication.
   */
  cityBecameNewMetropolis(cityId: string): number {
    const published = this.db
      .prepare(`SELECT id, title FROM packages WHERE status = 'published' AND audience = 'new-metropolises' ORDER BY published_at, id`)
      .all() as { id: string; title: string }[];
    let notified = 0;
    for (const pkg of published) {
      notified += this.notifier.notify({ to: { cityPeople: [cityId] }, kind: 'package.received', message: { key: 'packageReceived', params: { title: pkg.title } }, link: `/packages/${pkg.id}` });
    }
    return notified;
  }

  /** Counted when the ZIP starts streaming to someone the package is addressed to. */
  recordDownload(user: User, id: string): void {
    this.db.prepare('INSERT INTO package_downloads (package_id, user_id, at) VALUES (?, ?, ?)').run(id, user.id, nowIso());
  }

  /** The cities of a package's audience as of now (every city for "all"). */
  audienceCities(audience: Audience): string[] {
    if (audience.kind === 'cities') return audience.cities;
    const sql = audience.kind === 'all' ? 'SELECT id FROM cities ORDER BY rowid' : 'SELECT id FROM cities WHERE is_new_metropolis = 1 ORDER BY rowid';
    return this.db.prepare(sql).pluck().all() as string[];
  }

  /**
   * Packages linked to each resolution (key `meeting/number`) that `user` may see, by the same
   * rule as `listFor`: the secretariat sees every package, everyone else only the published
   * packages addressed to them. A package not addressed to the viewer is never listed.
   */
  linkedByResolution(user: User): Map<string, { id: string; title: string }[]> {
    const where = this.addressedSql(user);
    const rows = this.db
      .prepare(
        `SELECT r.meeting, r.number, p.id, p.title FROM package_resolutions r JOIN packages p ON p.id = r.package_id
         WHERE ${where.sql} ORDER BY r.meeting, r.number, coalesce(p.published_at, p.created_at), p.id`,
      )
      .all(where.params) as { meeting: number; number: number; id: string; title: string }[];
    const out = new Map<string, { id: string; title: string }[]>();
    for (const row of rows) {
      const key = `${row.meeting}/${row.number}`;
      const list = out.get(key) ?? [];
      list.push({ id: row.id, title: row.title });
      out.set(key, list);
    }
    return out;
  }

  private recipients(audience: Audience): NotificationInput['to'] {
    if (audience.kind === 'all') return { roles: ['city', 'reader'] };
    return { cityPeople: this.audienceCities(audience) };
  }

  private addressedSql(user: User): { sql: string; params: Record<string, string | null> } {
    if (user.role === 'secretariat') return { sql: '1 = 1', params: {} };
    return {
      sql: `(p.status = 'published' AND (p.audience = 'all' OR (@viewerCity IS NOT NULL AND (
              (p.audience = 'cities' AND EXISTS (SELECT 1 FROM package_audience a WHERE a.package_id = p.id AND a.city_id = @viewerCity))
              OR (p.audience = 'new-metropolises' AND EXISTS (SELECT 1 FROM cities c WHERE c.id = @viewerCity AND c.is_new_metropolis = 1))))))`,
      params: { viewerCity: user.city },
    };
  }

  private hydrate(row: PackageRow): PortalPackage {
    const items = this.db
      .prepare('SELECT position, document_id AS documentId, note FROM package_items WHERE package_id = ? ORDER BY position')
      .all(row.id) as PackageItem[];
    let audience: Audience;
    if (row.audience === 'cities') {
      const cities = this.db
        .prepare('SELECT a.city_id FROM package_audience a JOIN cities c ON c.id = a.city_id WHERE a.package_id = ? ORDER BY c.rowid')
        .pluck()
        .all(row.id) as string[];
      audience = { kind: 'cities', cities };
    } else {
      audience = { kind: row.audience };
    }
    const resolutions = this.db
      .prepare(`SELECT meeting || '/' || number FROM package_resolutions WHERE package_id = ? ORDER BY meeting, number`)
      .pluck()
      .all(row.id) as string[];
    return {
      id: row.id,
      title: row.title,
      note: row.note,
      status: row.status,
      audience,
      items,
      resolutions,
      downloads: row.downloads,
      createdBy: row.created_by,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      publishedAt: row.published_at,
    };
  }

  /**
   * A document the actor may not see is named exactly like a missing one (404); one that is not published is a
   * state that does not allow it (409); naming one twice is bad input (400). Each names the field `documents`.
   */
  private assertItems(actor: User, items: { id: string }[]): void {
    const found = items.map(({ id }) => ({ id, doc: this.documents.find(id) }));
    const refuse = (status: number, code: string, problems: string[]) => {
      if (problems.length > 0) throw new AppError(status, code, problems.join('; '), { fields: problems.map((message) => ({ field: 'documents', message })) });
    };
    refuse(404, 'not_found', found.filter(({ doc }) => !doc || !canView(actor, doc)).map(({ id }) => `no such document: ${id}`));
    refuse(
      409,
      'not_published',
      found.filter(({ doc }) => doc && doc.status !== 'published').map(({ id, doc }) => `document ${id} is ${doc!.status}; only published documents go into a package`),
    );
    const seen = new Set<string>();
    refuse(
      400,
      'validation_failed',
      items.flatMap(({ id }) => (seen.has(id) ? [`document ${id} is listed twice`] : (seen.add(id), []))),
    );
  }

  /** Each reference must name a resolution of the register; duplicates collapse. Same error style as documents. */
  private assertResolutions(refs: string[]): string[] {
    const unique = [...new Set(refs)];
    if (unique.length === 0) return unique;
    const known = new Set(this.db.prepare(`SELECT meeting || '/' || number FROM resolutions`).pluck().all() as string[]);
    const problems = unique.filter((ref) => !known.has(ref)).map((ref) => ({ field: 'resolutions', message: `unknown resolution ${ref}` }));
    if (problems.length > 0) throw new BadRequestError(problems.map((p) => `${p.field}: ${p.message}`).join('; '), { fields: problems }, 'validation_failed');
    return unique;
  }

  private toAudience(input: AudienceInput): Audience {
    if ('all' in input) return { kind: 'all' };
    if ('newMetropolises' in input) return { kind: 'new-metropolises' };
    const cities = [...new Set(input.cities)];
    const known = new Set(this.db.prepare('SELECT id FROM cities').pluck().all() as string[]);
    const unknown = cities.filter((c) => !known.has(c));
    if (unknown.length > 0) {
      throw new BadRequestError(`unknown cities: ${unknown.join(', ')}`, { fields: [{ field: 'audience.cities', message: 'unknown city' }] }, 'validation_failed');
    }
    return { kind: 'cities', cities };
  }

  private writeAudience(id: string, audience: Audience): void {
    if (audience.kind !== 'cities') return;
    const insert = this.db.prepare('INSERT INTO package_audience (package_id, city_id) VALUES (?, ?)');
    for (const city of audience.cities) insert.run(id, city);
  }

  private writeResolutions(id: string, refs: string[]): void {
    const insert = this.db.prepare('INSERT INTO package_resolutions (package_id, meeting, number) VALUES (?, ?, ?)');
    for (const ref of refs) {
      const [meeting, number] = ref.split('/').map(Number);
      insert.run(id, meeting, number);
    }
  }

  private writeItems(id: string, items: { id: string; note: string }[]): void {
    const insert = this.db.prepare('INSERT INTO package_items (package_id, position, document_id, note) VALUES (?, ?, ?, ?)');
    items.forEach((item, index) => insert.run(id, index + 1, item.id, item.note));
  }
}

const PUBLISHED_IS_FINAL = 'a published package can no longer be changed';

const SELECT_PACKAGE = `SELECT p.*, (SELECT count(*) FROM package_downloads d WHERE d.package_id = p.id) AS downloads FROM packages p`;

/** An item reaches a reader only while its document is published and the reader may see it. */
function deliverable(user: User, document: PortalDocument): boolean {
  return document.status === 'published' && canView(user, document);
}

function assertSecretariat(actor: User): void {
  if (actor.role !== 'secretariat') throw new ForbiddenError('only the secretariat compiles and publishes packages');
}

/** The audience as the API writes it. */
export function presentAudience(audience: Audience): AudienceInput {
  if (audience.kind === 'all') return { all: true };
  if (audience.kind === 'new-metropolises') return { newMetropolises: true };
  return { cities: audience.cities };
}
