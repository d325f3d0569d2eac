import crypto from 'node:crypto';
import type { Db } from '../db/database';
import { nowIso } from '../db/database';
import type { User } from './roles';
import type { UsersService } from '../users/users.service';

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

/** Bearer tokens: 256 random bits shown once; only their SHA-256 is stored. */
export class TokensService {
  constructor(
    private readonly db: Db,
    private readonly users: UsersService,
    private readonly ttlMs: number,
  ) {}

  issue(user: User): IssuedToken {
    const token = crypto.randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.ttlMs).toISOString();
    this.db.prepare('DELETE FROM api_tokens WHERE expires_at <= ?').run(nowIso());
    this.db
      .prepare('INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(user.id, digest(token), nowIso(), expiresAt);
    return { token, expiresAt };
  }

  /** The active user a live token belongs to, with the token's own id (so a password change can keep the calling token). */
  resolve(token: string): { user: User; tokenId: number } | null {
    const row = this.db
      .prepare('SELECT id, user_id FROM api_tokens WHERE token_hash = ? AND expires_at > ?')
      .get(digest(token), nowIso()) as { id: number; user_id: number } | undefined;
    const user = row ? this.users.findActive(row.user_id) : null;
    return row && user ? { user, tokenId: row.id } : null;
  }
}

function digest(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
