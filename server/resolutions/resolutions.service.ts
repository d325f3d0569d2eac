import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { User } from '../auth/roles';
import type { AuditLog } from '../audit/audit.log';
import type { NotificationMessage, NotificationsService } from '../notifications/notifications.service';
import { visibleDocumentsSql } from '../documents/access.policy';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import type { FollowupInput, MeetingInput, ResolutionInput, ResolutionStatus, ResolutionUpdate } from './resolutions.schema';

export interface Followup {
  id: number;
  at: string;
  username: string | null;
  note: string;
  statusFrom: string | null;
  statusTo: string | null;
}

export interface LinkedDocument {
  id: string;
  title: string;
  city: string;
  status: string;
}

export interface LinkedPackage {
  id: string;
  title: string;
}

/** The part of the packages service the register needs: packages per resolution, as the viewer may see them. */
export interface ResolutionPackages {
  linkedByResolution(viewer: User): Map<string, LinkedPackage[]>;
}

export interface Resolution {
  meeting: number;
  number: number;
  text: string;
  textEn: string | null;
  responsible: string;
  responsibleEn: string | null;
  status: ResolutionStatus;
  dueDate: string | null;
  asksCities: boolean;
  documents: LinkedDocument[];
  /** Packages linked to the resolution that the viewer may see (the packages service's visibility rule). */
  packages: LinkedPackage[];
  followups: Followup[];
}

export interface Meeting {
  number: number;
  city: string;
  date: string;
  title: string;
  resolutions: Resolution[];
}

export interface ComplianceMatrix {
  resolutions: Pick<Resolution, 'meeting' | 'number' | 'text' | 'responsible' | 'status' | 'dueDate'>[];
  /** city id → "meeting/number" → published documents the viewer may see. */
  counts: Record<string, Record<string, number>>;
  /** city id → "meeting/number" → documents sent and waiting for review, as far as the viewer may see them. */
  waiting: Record<string, Record<string, number>>;
}

export interface CityProfile {
  city: { id: string; name: string; newMetropolis: boolean };
  total: number;
  byKind: Record<string, number>;
  byHazard: Record<string, number>;
  byYear: Record<string, number>;
  /** Resolutions that ask every city to send something and for which this city counts 0. */
  missing: Pick<Resolution, 'meeting' | 'number' | 'text' | 'dueDate'>[];
  /** Returned and draft documents: only for the city itself and the secretariat, else null. */
  pending: { id: string; title: string; status: string; updatedAt: string; reviewComment: string | null }[] | null;
  /** Published packages addressed to the city, or null while the packages register is not there. */
  packages: { id: string; title: string; publishedAt: string | null }[] | null;
}

interface ResolutionRow {
  meeting: number;
  number: number;
  text: string;
  text_en: string | null;
  responsible: string;
  responsible_en: string | null;
  status: ResolutionStatus;
  due_date: string | null;
  asks: number;
}

/**
 * The register of meetings and resolutions, its follow-up log and the compliance counts.
 *
 * Counting rule (compliance matrix, city pages): a document counts when it is published and
 * the viewer may open it (`visibleDocumentsSql`). A restricted document therefore counts only
 * for the secretariat, its own city and the cities it is shared with; other viewers see a lower
 * count rather than learn that a document they may not open exists. Drafts, submitted, returned
 * and withdrawn documents never count.
 */
/** Resolutions are numbered 1 to 999 within their meeting (`9/2`), as the API's `meeting/number` references say. */
const LAST_RESOLUTION_NUMBER = 999;

export class ResolutionsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly notifications: NotificationsService,
    private readonly packages: ResolutionPackages,
  ) {}

  list(viewer: User): Meeting[] {
    const meetings = this.db.prepare('SELECT number, city_id, date, title FROM meetings ORDER BY number').all() as {
      number: number;
      city_id: string;
      date: string;
      title: string;
    }[];
    const byMeeting = new Map<number, Resolution[]>();
    const linked = this.linkedPackages(viewer);
    for (const row of this.rows()) {
      const list = byMeeting.get(row.meeting) ?? [];
      list.push(this.present(row, viewer, linked));
      byMeeting.set(row.meeting, list);
    }
    return meetings.map((m) => ({ number: m.number, city: m.city_id, date: m.date, title: m.title, resolutions: byMeeting.get(m.number) ?? [] }));
  }

  /** Every resolution of the register as `meeting/number`, by meeting and number (the values a document or package may name). */
  refs(): string[] {
    return this.db.prepare(`SELECT meeting || '/' || number FROM resolutions ORDER BY meeting, number`).pluck().all() as string[];
  }

  get(viewer: User, meeting: number, number: number): Resolution {
    return this.present(this.row(meeting, number), viewer);
  }

  addMeeting(actor: User, input: MeetingInput): Omit<Meeting, 'resolutions'> {
    this.requireSecretariat(actor);
    this.requireCity(input.city);
    return this.db.transaction(() => {
      const exists = this.db.prepare('SELECT 1 FROM meetings WHERE number = ?').get(input.number);
      if (exists) throw new ConflictError(`meeting ${input.number} already exists`, 'meeting_exists');
      this.db.prepare('INSERT INTO meetings (number, city_id, date, title) VALUES (?, ?, ?, ?)').run(input.number, input.city, input.date, input.title);
      this.audit.record(actor, 'meeting.created', { target: `meeting:${input.number}`, details: { ...input } });
      return { number: input.number, city: input.city, date: input.date, title: input.title };
    })();
  }

  addResolution(actor: User, meeting: number, input: ResolutionInput): Resolution {
    this.requireSecretariat(actor);
    const created = this.db.transaction(() => {
      if (!this.db.prepare('SELECT 1 FROM meetings WHERE number = ?').get(meeting)) throw new NotFoundError(`no meeting ${meeting}`);
      const number =
        input.number ?? ((this.db.prepare('SELECT coalesce(max(number), 0) + 1 FROM resolutions WHERE meeting = ?').pluck().get(meeting) as number));
      if (number > LAST_RESOLUTION_NUMBER) {
        throw new ConflictError(
          `meeting ${meeting} already has resolution ${LAST_RESOLUTION_NUMBER}, the last number a resolution may have; name a free number below it`,
          'resolution_numbers_used',
        );
      }
      if (this.db.prepare('SELECT 1 FROM resolutions WHERE meeting = ? AND number = ?').get(meeting, number)) {
        throw new ConflictError(`resolution ${meeting}/${number} already exists`, 'resolution_exists');
      }
      this.db
        .prepare('INSERT INTO resolutions (meeting, number, text, responsible, status, due_date) VALUES (?, ?, ?, ?, ?, ?)')
        .run(meeting, number, input.text, input.responsible, 'open', input.dueDate ?? null);
      if (input.asksCities) this.db.prepare('INSERT OR IGNORE INTO resolution_asks_cities (meeting, number) VALUES (?, ?)').run(meeting, number);
      this.audit.record(actor, 'resolution.created', { target: ref(meeting, number), details: { ...input, number } });
      const row = this.row(meeting, number);
      this.notifyChange(row, 'resolutionCreated');
      return row;
    })();
    return this.present(created, actor);
  }

  update(actor: User, meeting: number, number: number, change: ResolutionUpdate): Resolution {
    this.requireSecretariat(actor);
    const updated = this.db.transaction(() => {
      const before = this.row(meeting, number);
      const after = {
        status: change.status ?? before.status,
        dueDate: change.dueDate === undefined ? before.due_date : change.dueDate,
        asksCities: change.asksCities ?? before.asks === 1,
      };
      this.db.prepare('UPDATE resolutions SET status = ?, due_date = ? WHERE meeting = ? AND number = ?').run(after.status, after.dueDate, meeting, number);
      if (after.asksCities) this.db.prepare('INSERT OR IGNORE INTO resolution_asks_cities (meeting, number) VALUES (?, ?)').run(meeting, number);
      else this.db.prepare('DELETE FROM resolution_asks_cities WHERE meeting = ? AND number = ?').run(meeting, number);
      this.audit.record(actor, 'resolution.updated', {
        target: ref(meeting, number),
        details: {
          from: { status: before.status, dueDate: before.due_date, asksCities: before.asks === 1 },
          to: after,
        },
      });
      const row = this.row(meeting, number);
      if (before.status !== after.status || before.due_date !== after.dueDate) {
        this.notifyChange(row, 'resolutionStatusChanged');
      }
      return row;
    })();
    return this.present(updated, actor);
  }

  addFollowup(actor: User, meeting: number, number: number, input: FollowupInput): Followup {
    this.requireSecretariat(actor);
    const id = this.db.transaction(() => {
      const before = this.row(meeting, number);
      const statusTo = input.status && input.status !== before.status ? input.status : null;
      const inserted = this.db
        .prepare('INSERT INTO resolution_followups (meeting, number, at, user_id, note, status_from, status_to) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(meeting, number, nowIso(), actor.id, input.note, statusTo ? before.status : null, statusTo);
      if (statusTo) this.db.prepare('UPDATE resolutions SET status = ? WHERE meeting = ? AND number = ?').run(statusTo, meeting, number);
      this.audit.record(actor, 'resolution.followup_added', {
        target: ref(meeting, number),
        details: { note: input.note, ...(statusTo ? { statusFrom: before.status, statusTo } : {}) },
      });
      this.notifyChange(this.row(meeting, number), 'resolutionFollowedUp');
      return Number(inserted.lastInsertRowid);
    })();
    return this.followups(meeting, number).find((f) => f.id === id)!;
  }

  /**
   * Published documents linked to the resolution, per city (every city present), and beside them those sent and
   * waiting for review, as far as the viewer may see.
   */
  compliance(viewer: User, meeting: number, number: number): { asksCities: boolean; cities: Record<string, { documents: number; waiting: number }> } {
    const row = this.row(meeting, number);
    const key = ref(meeting, number);
    const { published, waiting } = this.countsByCity(viewer, [[meeting, number]]);
    const cities: Record<string, { documents: number; waiting: number }> = {};
    for (const city of this.cityIds()) cities[city] = { documents: published.get(city)?.get(key) ?? 0, waiting: waiting.get(city)?.get(key) ?? 0 };
    return { asksCities: row.asks === 1, cities };
  }

  /** The city × resolution matrix over every resolution that asks cities to send something. */
  matrix(viewer: User): ComplianceMatrix {
    const asking = this.rows().filter((r) => r.asks === 1);
    const { published, waiting } = this.countsByCity(viewer, asking.map((r) => [r.meeting, r.number]));
    const table = (counts: Map<string, Map<string, number>>): ComplianceMatrix['counts'] =>
      Object.fromEntries(this.cityIds().map((city) => [city, Object.fromEntries(asking.map((r) => [ref(r.meeting, r.number), counts.get(city)?.get(ref(r.meeting, r.number)) ?? 0]))]));
    return {
      resolutions: asking.map((r) => ({ meeting: r.meeting, number: r.number, text: r.text, responsible: r.responsible, status: r.status, dueDate: r.due_date })),
      counts: table(published),
      waiting: table(waiting),
    };
  }

  cityProfile(viewer: User, cityId: string): CityProfile {
    const city = this.db.prepare('SELECT id, name_fa, is_new_metropolis FROM cities WHERE id = ?').get(cityId) as
      | { id: string; name_fa: string; is_new_metropolis: number }
      | undefined;
    if (!city) throw new NotFoundError(`no city ${cityId}`);
    const visible = visibleDocumentsSql(viewer);
    const params = { ...visible.params, city: cityId };
    const where = `d.city_id = @city AND d.status = 'published' AND ${visible.sql}`;
    const tally = (sql: string) =>
      Object.fromEntries((this.db.prepare(sql).all(params) as { key: string | number; n: number }[]).map((r) => [String(r.key), r.n]));
    const total = this.db.prepare(`SELECT count(*) FROM documents d WHERE ${where}`).pluck().get(params) as number;
    const byKind = tally(`SELECT d.kind AS key, count(*) AS n FROM documents d WHERE ${where} GROUP BY d.kind ORDER BY n DESC`);
    const byYear = tally(`SELECT d.year AS key, count(*) AS n FROM documents d WHERE ${where} GROUP BY d.year ORDER BY d.year`);
    const byHazard = tally(
      `SELECT h.hazard AS key, count(*) AS n FROM documents d JOIN document_hazards h ON h.document_id = d.id WHERE ${where} GROUP BY h.hazard ORDER BY n DESC`,
    );
    const matrix = this.matrix(viewer);
    const missing = matrix.resolutions
      .filter((r) => r.status !== 'done' && (matrix.counts[cityId]?.[ref(r.meeting, r.number)] ?? 0) === 0)
      .map((r) => ({ meeting: r.meeting, number: r.number, text: r.text, dueDate: r.dueDate }));
    const mayManage = viewer.role === 'secretariat' || (viewer.role === 'city' && viewer.city === cityId);
    const pending = mayManage
      ? (
          this.db
            .prepare(
              `SELECT id, title, status, updated_at, review_comment FROM documents WHERE city_id = ? AND status IN ('returned', 'draft')
               ORDER BY status DESC, updated_at DESC`,
            )
            .all(cityId) as { id: string; title: string; status: string; updated_at: string; review_comment: string | null }[]
        ).map((d) => ({ id: d.id, title: d.title, status: d.status, updatedAt: d.updated_at, reviewComment: d.review_comment }))
      : null;
    return {
      city: { id: city.id, name: city.name_fa, newMetropolis: city.is_new_metropolis === 1 },
      total,
      byKind,
      byHazard,
      byYear,
      missing,
      pending,
      packages: this.packagesFor(viewer, cityId, city.is_new_metropolis === 1),
    };
  }

  /**
   * Packages are built by another part of the portal (server/packages/); read its tables
   * defensively and show nothing rather than fail the city page if they are missing or differ.
   * Received packages are listed only to the city itself and the secretariat.
   */
  private packagesFor(viewer: User, cityId: string, newMetropolis: boolean): CityProfile['packages'] {
    if (!(viewer.role === 'secretariat' || (viewer.role === 'city' && viewer.city === cityId))) return null;
    try {
      return (
        this.db
          .prepare(
            `SELECT p.id, p.title, p.published_at FROM packages p
             WHERE p.status = 'published' AND (p.audience = 'all'
               OR (p.audience = 'new-metropolises' AND @newMetropolis = 1)
               OR (p.audience = 'cities' AND EXISTS (SELECT 1 FROM package_audience a WHERE a.package_id = p.id AND a.city_id = @city)))
             ORDER BY p.published_at DESC`,
          )
          .all({ city: cityId, newMetropolis: newMetropolis ? 1 : 0 }) as { id: string; title: string; published_at: string | null }[]
      ).map((p) => ({ id: String(p.id), title: p.title, publishedAt: p.published_at }));
    } catch {
      return null;
    }
  }

  /** Linked documents per city and resolution the viewer may see: published ones, and those submitted and waiting for review. */
  private countsByCity(viewer: User, refs: [number, number][]): Record<'published' | 'waiting', Map<string, Map<string, number>>> {
    const out = { published: new Map<string, Map<string, number>>(), waiting: new Map<string, Map<string, number>>() };
    if (refs.length === 0) return out;
    const visible = visibleDocumentsSql(viewer);
    const rows = this.db
      .prepare(
        `SELECT d.city_id AS city, r.meeting, r.number, d.status, count(DISTINCT d.id) AS n
         FROM document_resolutions r JOIN documents d ON d.id = r.document_id
         WHERE d.status IN ('published', 'submitted') AND ${visible.sql}
         GROUP BY d.city_id, r.meeting, r.number, d.status`,
      )
      .all(visible.params) as { city: string; meeting: number; number: number; status: 'published' | 'submitted'; n: number }[];
    const wanted = new Set(refs.map(([m, n]) => ref(m, n)));
    for (const row of rows) {
      const key = ref(row.meeting, row.number);
      if (!wanted.has(key)) continue;
      const counts = row.status === 'published' ? out.published : out.waiting;
      const perCity = counts.get(row.city) ?? new Map<string, number>();
      perCity.set(key, row.n);
      counts.set(row.city, perCity);
    }
    return out;
  }

  private rows(): ResolutionRow[] {
    return this.db
      .prepare(
        `SELECT r.meeting, r.number, r.text, r.text_en, r.responsible, r.responsible_en, r.status, r.due_date,
                EXISTS (SELECT 1 FROM resolution_asks_cities a WHERE a.meeting = r.meeting AND a.number = r.number) AS asks
         FROM resolutions r ORDER BY r.meeting, r.number`,
      )
      .all() as ResolutionRow[];
  }

  private row(meeting: number, number: number): ResolutionRow {
    const row = this.db
      .prepare(
        `SELECT r.meeting, r.number, r.text, r.text_en, r.responsible, r.responsible_en, r.status, r.due_date,
                EXISTS (SELECT 1 FROM resolution_asks_cities a WHERE a.meeting = r.meeting AND a.number = r.number) AS asks
         FROM resolutions r WHERE r.meeting = ? AND r.number = ?`,
      )
      .get(meeting, number) as ResolutionRow | undefined;
    if (!row) throw new NotFoundError(`no resolution ${ref(meeting, number)}`);
    return row;
  }

  private present(row: ResolutionRow, viewer: User, linked = this.linkedPackages(viewer)): Resolution {
    return {
      meeting: row.meeting,
      number: row.number,
      text: row.text,
      textEn: row.text_en,
      responsible: row.responsible,
      responsibleEn: row.responsible_en,
      status: row.status,
      dueDate: row.due_date,
      asksCities: row.asks === 1,
      documents: this.linkedDocuments(viewer, row.meeting, row.number),
      packages: linked.get(ref(row.meeting, row.number)) ?? [],
      followups: this.followups(row.meeting, row.number),
    };
  }

  private linkedPackages(viewer: User): Map<string, LinkedPackage[]> {
    return this.packages.linkedByResolution(viewer);
  }

  private linkedDocuments(viewer: User, meeting: number, number: number): LinkedDocument[] {
    const visible = visibleDocumentsSql(viewer);
    return this.db
      .prepare(
        `SELECT d.id, d.title, d.city_id AS city, d.status FROM document_resolutions r JOIN documents d ON d.id = r.document_id
         WHERE r.meeting = @meeting AND r.number = @number AND ${visible.sql} ORDER BY d.created_at`,
      )
      .all({ ...visible.params, meeting, number }) as LinkedDocument[];
  }

  private followups(meeting: number, number: number): Followup[] {
    return (
      this.db
        .prepare(
          `SELECT f.id, f.at, u.username, f.note, f.status_from, f.status_to FROM resolution_followups f
           LEFT JOIN users u ON u.id = f.user_id WHERE f.meeting = ? AND f.number = ? ORDER BY f.id`,
        )
        .all(meeting, number) as { id: number; at: string; username: string | null; note: string; status_from: string | null; status_to: string | null }[]
    ).map((f) => ({ id: f.id, at: f.at, username: f.username, note: f.note, statusFrom: f.status_from, statusTo: f.status_to }));
  }

  private notifyChange(row: ResolutionRow, key: NotificationMessage): void {
    this.notifications.notify({
      to: { roles: ['secretariat'], cities: row.asks === 1 ? this.cityIds() : [] },
      kind: 'resolution.updated',
      message: { key, params: { ref: ref(row.meeting, row.number) } },
      link: `/resolutions#r-${row.meeting}-${row.number}`,
    });
  }

  private cityIds(): string[] {
    return this.db.prepare('SELECT id FROM cities ORDER BY rowid').pluck().all() as string[];
  }

  private requireCity(id: string): void {
    if (!this.db.prepare('SELECT 1 FROM cities WHERE id = ?').get(id)) {
      throw new BadRequestError(`unknown city ${id}`, { fields: [{ field: 'city', message: `unknown city ${id}` }] }, 'validation_failed');
    }
  }

  private requireSecretariat(actor: User): void {
    if (actor.role !== 'secretariat') throw new ForbiddenError('only the secretariat keeps the resolutions register');
  }
}

export function ref(meeting: number, number: number): string {
  return `${meeting}/${number}`;
}
