import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { Role } from '../auth/roles';

export type NotificationKind =
  | 'document.returned'
  | 'document.published'
  | 'document.submitted'
  | 'document.withdrawn'
  | 'package.received'
  | 'resolution.updated';

export interface PortalNotification {
  id: number;
  kind: string;
  title: string;
  link: string;
  createdAt: string;
  readAt: string | null;
}

interface NotificationRow {
  id: number;
  kind: string;
  title: string;
  link: string;
  created_at: string;
  read_at: string | null;
}

export interface NotificationInput {
  /** Who receives it: these users, every active user of these cities, and/or every active user of these roles. */
  to: { userIds?: number[]; cities?: string[]; roles?: Role[] };
  kind: NotificationKind;
  /** Persian text shown in the list. */
  title: string;
  /** A local path the notification opens, e.g. `/documents/<id>`. */
  link: string;
}

/** In-portal notifications; `notify` is synchronous so it can run inside the transaction of the change it reports. */
export class NotificationsService {
  constructor(private readonly db: Db) {}

  notify(input: NotificationInput): number {
    const recipients = this.recipients(input.to);
    const insert = this.db.prepare('INSERT INTO notifications (user_id, kind, title, link, created_at) VALUES (?, ?, ?, ?, ?)');
    const at = nowIso();
    for (const userId of recipients) insert.run(userId, input.kind, input.title, input.link, at);
    return recipients.length;
  }

  /** The user's own notifications, newest first. */
  list(userId: number, options: { page?: number; perPage?: number } = {}): { total: number; notifications: PortalNotification[] } {
    const perPage = options.perPage ?? 50;
    const page = Math.max(1, options.page ?? 1);
    const total = this.db.prepare('SELECT count(*) FROM notifications WHERE user_id = ?').pluck().get(userId) as number;
    const rows = this.db
      .prepare('SELECT id, kind, title, link, created_at, read_at FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?')
      .all(userId, perPage, (page - 1) * perPage) as NotificationRow[];
    return { total, notifications: rows.map(present) };
  }

  /** Runs on every page for the bell, on the (user_id, read_at, id) index. */
  unreadCount(userId: number): number {
    return this.db.prepare('SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL').pluck().get(userId) as number;
  }

  /** Marks one of the user's notifications read and returns it; undefined when it is not theirs (or does not exist). */
  open(userId: number, id: number): PortalNotification | undefined {
    const row = this.db
      .prepare('SELECT id, kind, title, link, created_at, read_at FROM notifications WHERE id = ? AND user_id = ?')
      .get(id, userId) as NotificationRow | undefined;
    if (!row) return undefined;
    if (!row.read_at) {
      row.read_at = nowIso();
      this.db.prepare('UPDATE notifications SET read_at = ? WHERE id = ?').run(row.read_at, id);
    }
    return present(row);
  }

  /** Marks these (or, without ids, all) of the user's unread notifications read; returns how many changed. */
  markRead(userId: number, ids?: readonly number[]): number {
    const at = nowIso();
    if (!ids) return this.db.prepare('UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL').run(at, userId).changes;
    const update = this.db.prepare('UPDATE notifications SET read_at = ? WHERE id = ? AND user_id = ? AND read_at IS NULL');
    return this.db.transaction(() => ids.reduce((n, id) => n + update.run(at, id, userId).changes, 0))();
  }

  private recipients(to: NotificationInput['to']): number[] {
    const ids = new Set<number>(to.userIds ?? []);
    for (const city of to.cities ?? []) {
      for (const id of this.db.prepare('SELECT id FROM users WHERE city_id = ? AND disabled = 0').pluck().all(city) as number[]) ids.add(id);
    }
    for (const role of to.roles ?? []) {
      for (const id of this.db.prepare('SELECT id FROM users WHERE role = ? AND disabled = 0').pluck().all(role) as number[]) ids.add(id);
    }
    return [...ids];
  }
}

function present(row: NotificationRow): PortalNotification {
  return { id: row.id, kind: row.kind, title: row.title, link: row.link, createdAt: row.created_at, readAt: row.read_at };
}
