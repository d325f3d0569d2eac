import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { AuditLog } from '../audit/audit.log';
import type { Role, User } from '../auth/roles';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../auth/passwords';
import { AppError, BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import type { CreateUserInput, PreferencesUpdate, ProfileUpdate } from './users.schema';
import type { Locale } from '../i18n/locale';
import { EMAIL_TOPICS, TOPIC_COLUMN, type EmailTopic } from '../email/email-topics';

interface UserRow {
  id: number;
  username: string;
  role: Role;
  city_id: string | null;
  disabled: number;
  created_at: string;
  password_hash: string;
  full_name: string | null;
  job_title: string | null;
  phone: string | null;
  email: string | null;
  must_change_password: number;
  session_epoch: number;
}

/** Who someone is and how to reach them; each may be null. */
export interface Profile {
  fullName: string | null;
  jobTitle: string | null;
  phone: string | null;
  email: string | null;
}

/** A user as they see themselves (`GET /api/v1/me`). */
export interface Person extends User, Profile {
  /** The secretariat set a temporary password: nothing but choosing a new one is allowed until then. */
  mustChangePassword: boolean;
}

export interface UserListing extends Person {
  disabled: boolean;
  createdAt: string;
}

/** What one receives how: the language of one's e-mails, and the notifications one also wants by e-mail. */
export interface Preferences {
  language: Locale;
  email: Record<EmailTopic, boolean>;
}

/** One line of a city's directory of whom to call. */
export interface DirectoryEntry extends Profile {
  id: number;
  username: string;
  role: Role;
}

/** Accounts: creating and disabling them, credentials, each person's profile, and the directory of a city's people. */
export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  async create(input: CreateUserInput, actor: User | null): Promise<User> {
    const city = input.role === 'secretariat' ? null : (input.city ?? null);
    if (city && !this.db.prepare('SELECT 1 FROM cities WHERE id = ?').get(city)) {
      throw new BadRequestError(`city: unknown city ${city}`, { fields: [{ field: 'city', message: 'unknown city' }] }, 'validation_failed');
    }
    if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(input.username)) {
      throw new ConflictError(`the username ${input.username} is taken`, 'username_taken');
    }
    const passwordHash = await hashPassword(input.password);
    const mustChange = input.mustChangePassword === true;
    return this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(input.username)) {
        throw new ConflictError(`the username ${input.username} is taken`, 'username_taken');
      }
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO users (username, password_hash, role, city_id, created_at, full_name, job_title, phone, email, must_change_password)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(input.username, passwordHash, input.role, city, nowIso(), input.fullName ?? null, input.jobTitle ?? null, input.phone ?? null, input.email ?? null, mustChange ? 1 : 0)
          .lastInsertRowid,
      );
      this.audit.record(actor, 'user.created', {
        target: `user:${id}`,
        details: { username: input.username, role: input.role, city, ...(mustChange ? { mustChangePassword: true } : {}) },
      });
      return { id, username: input.username, role: input.role, city };
    })();
  }

  /** The active user with these credentials, or null; takes as long for an unknown name as for a wrong password. */
  async authenticate(username: string, password: string): Promise<User | null> {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username.trim()) as UserRow | undefined;
    if (!row) {
      await verifyPassword(password, await DUMMY_HASH_PROMISE);
      return null;
    }
    const valid = await verifyPassword(password, row.password_hash);
    return valid && !row.disabled ? toUser(row) : null;
  }

  findActive(id: number): User | null {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ? AND disabled = 0').get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  /** The active user a session signed in at `epoch` belongs to; null once a password change or reset has raised the epoch since. */
  findSignedIn(id: number, epoch: number): User | null {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ? AND disabled = 0 AND session_epoch = ?').get(id, epoch) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  /** What a session signing in now records, so that a later password change ends it. */
  sessionEpoch(id: number): number {
    return (this.db.prepare('SELECT session_epoch FROM users WHERE id = ?').pluck().get(id) as number | undefined) ?? 0;
  }

  mustChangePassword(id: number): boolean {
    return this.db.prepare('SELECT must_change_password FROM users WHERE id = ?').pluck().get(id) === 1;
  }

  person(id: number): Person {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    if (!row) throw new NotFoundError('no such user');
    return toPerson(row);
  }

  list(): UserListing[] {
    const rows = this.db.prepare('SELECT * FROM users ORDER BY role, city_id, username').all() as UserRow[];
    return rows.map((row) => ({ ...toPerson(row), disabled: row.disabled === 1, createdAt: row.created_at }));
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM users').pluck().get() as number;
  }

  /** The active people of a city (its staff and the readers who belong to it), by name: whom to call there. */
  directory(cityId: string): DirectoryEntry[] {
    const rows = this.db
      .prepare(`SELECT * FROM users WHERE city_id = ? AND disabled = 0 ORDER BY coalesce(full_name, username) COLLATE NOCASE, id`)
      .all(cityId) as UserRow[];
    return rows.map((row) => ({ id: row.id, username: row.username, role: row.role, ...profileOf(row) }));
  }

  /** How many active people belong to each city (cities nobody belongs to are absent). */
  countByCity(): Map<string, number> {
    const rows = this.db.prepare('SELECT city_id, count(*) AS n FROM users WHERE city_id IS NOT NULL AND disabled = 0 GROUP BY city_id').all() as { city_id: string; n: number }[];
    return new Map(rows.map((row) => [row.city_id, row.n]));
  }

  /** Each person edits their own name, title, phone and e-mail; only what is sent changes, and null clears a field. */
  updateProfile(actor: User, input: ProfileUpdate): Person {
    return this.db.transaction(() => {
      const before = this.person(actor.id);
      const columns = { fullName: 'full_name', jobTitle: 'job_title', phone: 'phone', email: 'email' } as const;
      const changed = (Object.keys(columns) as (keyof typeof columns)[]).filter((field) => input[field] !== undefined && input[field] !== before[field]);
      if (changed.length === 0) return before;
      const update = this.db.prepare(`UPDATE users SET ${changed.map((field) => `${columns[field]} = @${field}`).join(', ')} WHERE id = @id`);
      update.run({ id: actor.id, ...Object.fromEntries(changed.map((field) => [field, input[field] ?? null])) });
      // Which fields changed, not their values: the audit log is read by the secretariat, the directory by everyone.
      this.audit.record(actor, 'user.profile_updated', { target: `user:${actor.id}`, details: { fields: changed } });
      return this.person(actor.id);
    })();
  }

  preferences(id: number): Preferences {
    const row = this.db.prepare('SELECT language, email_review, email_packages, email_subscriptions FROM users WHERE id = ?').get(id) as Record<string, string | number> | undefined;
    if (!row) throw new NotFoundError('no such user');
    return { language: row.language as Locale, email: Object.fromEntries(EMAIL_TOPICS.map((topic) => [topic, row[TOPIC_COLUMN[topic]] === 1])) as Record<EmailTopic, boolean> };
  }

  /** Each person chooses their own; only what changes is written and audited. */
  updatePreferences(actor: User, input: PreferencesUpdate): Preferences {
    return this.db.transaction(() => {
      const before = this.preferences(actor.id);
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      if (input.language !== undefined && input.language !== before.language) {
        this.db.prepare('UPDATE users SET language = ? WHERE id = ?').run(input.language, actor.id);
        changes.language = { from: before.language, to: input.language };
      }
      for (const topic of EMAIL_TOPICS) {
        const wanted = input.email?.[topic];
        if (wanted === undefined || wanted === before.email[topic]) continue;
        this.db.prepare(`UPDATE users SET ${TOPIC_COLUMN[topic]} = ? WHERE id = ?`).run(wanted ? 1 : 0, actor.id);
        changes[`email.${topic}`] = { from: before.email[topic], to: wanted };
      }
      if (Object.keys(changes).length === 0) return before;
      this.audit.record(actor, 'user.preferences_updated', { target: `user:${actor.id}`, details: { changes } });
      return this.preferences(actor.id);
    })();
  }

  /**
   * Changes one's own password. Every session signed in before ends (the epoch rises; the page signs its own
   * session in again) and every token but `keepToken` (the API call's own) is revoked. A wrong current password
   * is 403 `wrong_password` and changes nothing.
   */
  async changePassword(actor: User, current: string, next: string, keepToken: number | null = null): Promise<void> {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(actor.id) as UserRow | undefined;
    if (!row) throw new NotFoundError('no such user');
    if (!(await verifyPassword(current, row.password_hash))) throw wrongPassword();
    if (next.normalize('NFC') === current.normalize('NFC')) {
      throw new BadRequestError('new: choose a password other than the current one', { fields: [{ field: 'new', message: 'the same as the current password' }] }, 'validation_failed');
    }
    const hash = await hashPassword(next);
    this.db.transaction(() => {
      // Only if the password is still the one just verified: a change in between makes `current` wrong.
      const changed = this.db
        .prepare(
          `UPDATE users SET password_hash = ?, must_change_password = 0, session_epoch = session_epoch + 1, password_changed_at = ?
           WHERE id = ? AND password_hash = ?`,
        )
        .run(hash, nowIso(), actor.id, row.password_hash).changes;
      if (changed === 0) throw wrongPassword();
      const tokensEnded = this.db.prepare('DELETE FROM api_tokens WHERE user_id = ? AND id IS NOT ?').run(actor.id, keepToken).changes;
      this.audit.record(actor, 'user.password_changed', {
        target: `user:${actor.id}`,
        details: { tokensEnded, ...(row.must_change_password === 1 ? { replacedTemporary: true } : {}) },
      });
    })();
  }

  /**
   * The secretariat sets a temporary password: the user's sessions and tokens end, and until they choose a new
   * one they may do nothing else. Not for one's own account (that is `changePassword`).
   */
  async setTemporaryPassword(actor: User, id: number, password: string): Promise<void> {
    if (actor.role !== 'secretariat') throw new ForbiddenError('only the secretariat sets temporary passwords');
    if (id === actor.id) throw new ConflictError('change your own password with your current one', 'cannot_reset_self');
    const username = this.db.prepare('SELECT username FROM users WHERE id = ?').pluck().get(id) as string | undefined;
    if (username === undefined) throw new NotFoundError('no such user');
    const hash = await hashPassword(password);
    this.db.transaction(() => {
      const changed = this.db
        .prepare('UPDATE users SET password_hash = ?, must_change_password = 1, session_epoch = session_epoch + 1, password_changed_at = ? WHERE id = ?')
        .run(hash, nowIso(), id).changes;
      if (changed === 0) throw new NotFoundError('no such user');
      const tokensEnded = this.db.prepare('DELETE FROM api_tokens WHERE user_id = ?').run(id).changes;
      this.audit.record(actor, 'user.password_reset', { target: `user:${id}`, details: { username, tokensEnded } });
    })();
  }

  setDisabled(id: number, disabled: boolean, actor: User): void {
    if (id === actor.id && disabled) throw new ConflictError('you cannot disable your own account', 'cannot_disable_self');
    this.db.transaction(() => {
      const changed = this.db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, id).changes;
      if (changed === 0) throw new NotFoundError('no such user');
      if (disabled) this.db.prepare('DELETE FROM api_tokens WHERE user_id = ?').run(id);
      this.audit.record(actor, disabled ? 'user.disabled' : 'user.enabled', { target: `user:${id}` });
    })();
  }
}

function wrongPassword(): AppError {
  return new AppError(403, 'wrong_password', 'the current password is wrong');
}

function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, role: row.role, city: row.city_id };
}

function profileOf(row: UserRow): Profile {
  return { fullName: row.full_name, jobTitle: row.job_title, phone: row.phone, email: row.email };
}

function toPerson(row: UserRow): Person {
  return { ...toUser(row), ...profileOf(row), mustChangePassword: row.must_change_password === 1 };
}
