import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { AuditLog } from '../audit/audit.log';
import type { Role, User } from '../auth/roles';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from '../auth/passwords';
import { BadRequestError, ConflictError, NotFoundError } from '../http/errors';
import type { CreateUserInput } from './users.schema';

interface UserRow {
  id: number;
  username: string;
  role: Role;
  city_id: string | null;
  disabled: number;
  created_at: string;
  password_hash: string;
}

export interface UserListing extends User {
  disabled: boolean;
  createdAt: string;
}

export class UsersService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
  ) {}

  async create(input: CreateUserInput, actor: User | null): Promise<User> {
    const city = input.role === 'city' ? (input.city ?? null) : null;
    if (city && !this.db.prepare('SELECT 1 FROM cities WHERE id = ?').get(city)) {
      throw new BadRequestError(`city: unknown city ${city}`, { fields: [{ field: 'city', message: 'unknown city' }] }, 'validation_failed');
    }
    if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(input.username)) {
      throw new ConflictError(`the username ${input.username} is taken`, 'username_taken');
    }
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction(() => {
      if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(input.username)) {
        throw new ConflictError(`the username ${input.username} is taken`, 'username_taken');
      }
      const id = Number(
        this.db
          .prepare('INSERT INTO users (username, password_hash, role, city_id, created_at) VALUES (?, ?, ?, ?, ?)')
          .run(input.username, passwordHash, input.role, city, nowIso()).lastInsertRowid,
      );
      this.audit.record(actor, 'user.created', { target: `user:${id}`, details: { username: input.username, role: input.role, city } });
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

  list(): UserListing[] {
    const rows = this.db.prepare('SELECT * FROM users ORDER BY role, city_id, username').all() as UserRow[];
    return rows.map((row) => ({ ...toUser(row), disabled: row.disabled === 1, createdAt: row.created_at }));
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM users').pluck().get() as number;
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

function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, role: row.role, city: row.city_id };
}
