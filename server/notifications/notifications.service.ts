import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { Role } from '../auth/roles';
import { formatters, translator, type Catalogue, type Locale } from '../i18n/index';
import type { ItemRef } from '../subscriptions/subscribed-items';

export type NotificationKind =
  | 'document.returned'
  | 'document.published'
  | 'document.submitted'
  | 'document.withdrawn'
  | 'document.restored'
  | 'document.deleted'
  | 'document.revision_submitted'
  | 'document.revision_published'
  | 'document.revision_returned'
  | 'package.received'
  | 'resolution.updated'
  | 'lesson.submitted'
  | 'lesson.published'
  | 'lesson.returned'
  | 'lesson.action_assigned'
  | 'lesson.action_done'
  | 'lesson.learned'
  | 'subscription.matched'
  | 'subscription.digest';

/** Which text of the catalogue's `notifications.messages` a notification shows, and what fills it in. */
export type NotificationMessage = keyof Catalogue['notifications']['messages'];
export interface NotificationText {
  key: NotificationMessage;
  params: Record<string, string | number>;
}

export interface PortalNotification {
  id: number;
  kind: string;
  /** The text in Persian, as it was made. */
  title: string;
  /** The same text as a catalogue key and its parameters, to show in the reader's language (null for notifications older than that). */
  message: NotificationText | null;
  link: string;
  createdAt: string;
  readAt: string | null;
}

interface NotificationRow {
  id: number;
  kind: string;
  title: string;
  message: string | null;
  link: string;
  created_at: string;
  read_at: string | null;
}

export interface NotificationInput {
  /**
   * Who receives it: these users; the active staff (role `city`) of `cities`; every active user who belongs to
   * `cityPeople` (staff and the readers of those cities); and/or every active user of these roles.
   */
  to: { userIds?: number[]; cities?: string[]; cityPeople?: string[]; roles?: Role[] };
  kind: NotificationKind;
  /** What it says: rendered in each reader's language when shown, and kept in Persian as its title. */
  message: NotificationText;
  /** A local path the notification opens, e.g. `/documents/<id>`. */
  link: string;
  /** `false`: never by e-mail, whatever the readers chose (a subscription that asked for none). */
  email?: boolean;
  /** The items it tells of: an e-mail lists them, and is sent only with those its reader may still see when it goes out. */
  about?: ItemRef[];
}

/** Hands notifications their readers chose to receive by e-mail to the outbox (server/email), in the notification's transaction. */
export interface EmailQueue {
  queue(recipients: number[], input: NotificationInput): void;
}

const NOTE_IN_NOTIFICATION = 300;

/** A comment or reason as a notification carries it: its first 300 characters. */
export function shortened(note: string): string {
  return note.length > NOTE_IN_NOTIFICATION ? `${note.slice(0, NOTE_IN_NOTIFICATION)}…` : note;
}

/** In-portal notifications; `notify` is synchronous so it can run inside the transaction of the change it reports. */
export class NotificationsService {
  constructor(
    private readonly db: Db,
    private readonly email: EmailQueue | null = null,
  ) {}

  /** In-portal notifications for every recipient, and the e-mails some of them asked for, queued in the caller's transaction. */
  notify(input: NotificationInput): number {
    const recipients = this.recipients(input.to);
    const insert = this.db.prepare('INSERT INTO notifications (user_id, kind, title, message, link, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    const at = nowIso();
    const title = renderMessage(input.message, 'fa');
    const message = JSON.stringify(input.message);
    for (const userId of recipients) insert.run(userId, input.kind, title, message, input.link, at);
    if (this.email && input.email !== false && recipients.length > 0) this.email.queue(recipients, input);
    return recipients.length;
  }

  /** The user's own notifications, newest first. */
  list(userId: number, options: { page?: number; perPage?: number } = {}): { total: number; notifications: PortalNotification[] } {
    const perPage = options.perPage ?? 50;
    const page = Math.max(1, options.page ?? 1);
    const total = this.db.prepare('SELECT count(*) FROM notifications WHERE user_id = ?').pluck().get(userId) as number;
    const rows = this.db
      .prepare('SELECT id, kind, title, message, link, created_at, read_at FROM notifications WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?')
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
      .prepare('SELECT id, kind, title, message, link, created_at, read_at FROM notifications WHERE id = ? AND user_id = ?')
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
      for (const id of this.db.prepare(`SELECT id FROM users WHERE city_id = ? AND role = 'city' AND disabled = 0`).pluck().all(city) as number[]) ids.add(id);
    }
    for (const city of to.cityPeople ?? []) {
      for (const id of this.db.prepare('SELECT id FROM users WHERE city_id = ? AND disabled = 0').pluck().all(city) as number[]) ids.add(id);
    }
    for (const role of to.roles ?? []) {
      for (const id of this.db.prepare('SELECT id FROM users WHERE role = ? AND disabled = 0').pluck().all(role) as number[]) ids.add(id);
    }
    return [...ids];
  }
}

/** Parameters that are numbers or references (resolution «۹/۲») take the reader's digits. */
const NUMBERED_PARAMS = new Set(['ref', 'number', 'version', 'count']);
/** Parameters that are people's own words: on a page they keep their own direction inside the sentence. */
const OWN_WORDS = new Set(['title', 'note', 'reason']);

/** A notification's text in a language: its catalogue message with numbers in that language's digits. */
export function renderMessage(message: NotificationText, locale: Locale, options: { isolateOwnWords?: boolean } = {}): string {
  const { digits } = formatters(locale);
  const params = Object.fromEntries(
    Object.entries(message.params).map(([name, value]) => [
      name,
      NUMBERED_PARAMS.has(name) ? digits(value) : options.isolateOwnWords && OWN_WORDS.has(name) ? `\u2068${value}\u2069` : value,
    ]),
  );
  return translator(locale)(`notifications.messages.${message.key}`, params);
}

/** As stored, except that the Persian title is made again from the message (older rows wrote numbers in Latin digits). */
function present(row: NotificationRow): PortalNotification {
  const message = row.message ? (JSON.parse(row.message) as NotificationText) : null;
  const title = message ? renderMessage(message, 'fa') : row.title;
  return { id: row.id, kind: row.kind, title, message, link: row.link, createdAt: row.created_at, readAt: row.read_at };
}

/** The notification's text in the reader's language, for a page (its Persian title when it has no catalogue text). */
export function notificationText(notification: Pick<PortalNotification, 'message' | 'title'>, locale: Locale): string {
  return notification.message ? renderMessage(notification.message, locale, { isolateOwnWords: true }) : notification.title;
}
