import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { JobsQueue } from '../jobs/jobs.queue';
import type { EmailQueue, NotificationInput } from '../notifications/notifications.service';
import type { ItemRef } from '../subscriptions/subscribed-items';
import type { Locale } from '../i18n/index';
import type { User } from '../auth/roles';
import { TOPIC_COLUMN, TOPIC_OF } from './email-topics';

export type EmailState = 'queued' | 'sent' | 'dropped' | 'failed';

/** One e-mail of the outbox: to whom, what it says (a notification's catalogue key and parameters), and about which items. */
export interface OutboxEmail {
  id: number;
  userId: number;
  kind: string;
  message: NotificationInput['message'];
  link: string;
  items: ItemRef[];
  state: EmailState;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** The recipient as the e-mail is written for them, read when it is sent. */
export interface Recipient {
  id: number;
  username: string;
  fullName: string | null;
  email: string | null;
  language: Locale;
  disabled: boolean;
}

interface EmailRow {
  id: number;
  user_id: number;
  kind: string;
  message: string;
  link: string;
  items: string;
  state: EmailState;
  error: string | null;
  created_at: string;
  sent_at: string | null;
}

/**
 * The e-mail outbox, in the metadata database: a notification whose readers chose its topic by e-mail (and have an
 * address) becomes one row per reader and one durable `email` job each, queued in the notification's own
 * transaction, so a request never waits for a mail server and a failed send is retried by the queue.
 */
export class MailOutbox implements EmailQueue {
  constructor(
    private readonly db: Db,
    private readonly jobs: JobsQueue,
  ) {}

  queue(recipients: number[], input: NotificationInput): void {
    const topic = TOPIC_OF[input.kind];
    if (!topic) return;
    const placeholders = recipients.map(() => '?').join(', ');
    const readers = this.db
      .prepare(`SELECT id FROM users WHERE id IN (${placeholders}) AND disabled = 0 AND email IS NOT NULL AND ${TOPIC_COLUMN[topic]} = 1`)
      .pluck()
      .all(...recipients) as number[];
    const insert = this.db.prepare('INSERT INTO emails (user_id, kind, message, link, items, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    const at = nowIso();
    for (const userId of readers) {
      const id = insert.run(userId, input.kind, JSON.stringify(input.message), input.link, JSON.stringify(input.about ?? []), at).lastInsertRowid;
      this.jobs.enqueue('email', String(id));
    }
  }

  find(id: number): OutboxEmail | null {
    const row = this.db.prepare('SELECT * FROM emails WHERE id = ?').get(id) as EmailRow | undefined;
    return row
      ? {
          id: row.id,
          userId: row.user_id,
          kind: row.kind,
          message: JSON.parse(row.message) as OutboxEmail['message'],
          link: row.link,
          items: JSON.parse(row.items) as ItemRef[],
          state: row.state,
          error: row.error,
          createdAt: row.created_at,
          sentAt: row.sent_at,
        }
      : null;
  }

  recipient(userId: number): Recipient | null {
    const row = this.db.prepare('SELECT id, username, full_name, email, language, disabled FROM users WHERE id = ?').get(userId) as
      | { id: number; username: string; full_name: string | null; email: string | null; language: Locale; disabled: number }
      | undefined;
    return row ? { id: row.id, username: row.username, fullName: row.full_name, email: row.email, language: row.language, disabled: row.disabled === 1 } : null;
  }

  /** The recipient as the access policy sees them. */
  user(userId: number): User | null {
    const row = this.db.prepare('SELECT id, username, role, city_id FROM users WHERE id = ? AND disabled = 0').get(userId) as
      | { id: number; username: string; role: User['role']; city_id: string | null }
      | undefined;
    return row ? { id: row.id, username: row.username, role: row.role, city: row.city_id } : null;
  }

  finish(id: number, state: Exclude<EmailState, 'queued'>, error: string | null = null): void {
    this.db.prepare(`UPDATE emails SET state = ?, error = ?, sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE id = ?`).run(state, error, state, nowIso(), id);
  }

  noteError(id: number, error: string): void {
    this.db.prepare('UPDATE emails SET error = ? WHERE id = ?').run(error, id);
  }
}
