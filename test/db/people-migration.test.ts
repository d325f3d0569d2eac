import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { openDatabase, type Db } from '../../server/db/database';
import { MIGRATIONS } from '../../server/db/migrations/index';

/** Every table that names a user, with the column that does. */
const USER_REFERENCES: [table: string, column: string][] = [
  ['api_tokens', 'user_id'],
  ['documents', 'created_by'],
  ['document_versions', 'created_by'],
  ['audit_log', 'user_id'],
  ['search_log', 'user_id'],
  ['packages', 'created_by'],
  ['package_downloads', 'user_id'],
  ['notifications', 'user_id'],
  ['resolution_followups', 'user_id'],
];

/**
 * A database as the portal left it before migration 7 (migrations 1–6, applied as the runner applies them),
 * holding users of every role with documents, versions, tokens, sessions, audit rows, packages and notifications.
 */
function oldShapeDatabase(file: string): void {
  const db = new Database(file);
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const migration of MIGRATIONS.filter((m) => m.id <= 6)) {
    db.exec(migration.sql);
    db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(migration.id, migration.name, '2026-01-01T00:00:00.000Z');
  }
  const at = '2026-01-02T00:00:00.000Z';
  db.exec(`
    INSERT INTO cities (id, name_fa, name_en, is_new_metropolis) VALUES ('tehran', 'تهران', 'Tehran', 0), ('shiraz', 'شیراز', 'Shiraz', 0), ('karaj', 'کرج', 'Karaj', 1);
    INSERT INTO users (id, username, password_hash, role, city_id, disabled, created_at) VALUES
      (1, 'admin', 'scrypt$1', 'secretariat', NULL, 0, '${at}'),
      (7, 'tehran-staff', 'scrypt$7', 'city', 'tehran', 0, '${at}'),
      (9, 'Reader', 'scrypt$9', 'reader', NULL, 0, '${at}'),
      (12, 'gone', 'scrypt$12', 'city', 'shiraz', 1, '${at}');
    INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at) VALUES (7, 'h7', '${at}', '2999-01-01T00:00:00.000Z'), (9, 'h9', '${at}', '2999-01-01T00:00:00.000Z');
    INSERT INTO sessions (sid, data, expires_at) VALUES ('s7', '{"cookie":{},"passport":{"user":7}}', 32503680000000);
    INSERT INTO documents (id, city_id, title, summary, kind, year, access, status, created_by, created_at, updated_at)
      VALUES ('d1', 'tehran', 'مطالعهٔ زلزله', 'خلاصه', 'threat-study', 1391, 'portal', 'published', 7, '${at}', '${at}');
    INSERT INTO document_versions (document_id, number, filename, size, sha256, content_type, store, object_key, created_by, created_at)
      VALUES ('d1', 1, 'a.pdf', 10, 'ab', 'application/pdf', 'fs', 'k1', 7, '${at}');
    INSERT INTO audit_log (at, user_id, action, document_id) VALUES ('${at}', 7, 'document.created', 'd1'), ('${at}', 1, 'document.published', 'd1');
    INSERT INTO search_log (at, user_id, query, total) VALUES ('${at}', 9, 'زلزله', 1);
    INSERT INTO packages (id, title, status, audience, created_by, created_at, updated_at, published_at) VALUES ('p1', 'بسته', 'published', 'new-metropolises', 1, '${at}', '${at}', '${at}');
    INSERT INTO package_items (package_id, position, document_id) VALUES ('p1', 1, 'd1');
    INSERT INTO package_downloads (package_id, user_id, at) VALUES ('p1', 9, '${at}');
    INSERT INTO notifications (user_id, kind, title, link, created_at) VALUES (9, 'package.received', 'بسته', '/packages/p1', '${at}');
  `);
  db.close();
}

describe('migration 7 (people) on a database from before it', function () {
  let dir: string;
  let file: string;
  let db: Db;
  let original: { users: unknown[]; counts: Record<string, number> };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-migration-'));
    file = path.join(dir, 'tajrobe.sqlite');
    oldShapeDatabase(file);
    const old = new Database(file, { readonly: true });
    original = {
      users: old.prepare('SELECT id, username, password_hash, role, city_id, disabled, created_at FROM users ORDER BY id').all(),
      counts: Object.fromEntries(USER_REFERENCES.map(([table]) => [table, old.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number])),
    };
    old.close();
    db = openDatabase(file);
  });
  after(() => {
    db?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is recorded as applied, and the rebuilt table has the new columns with their defaults', () => {
    expect(db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all()).to.deep.equal(MIGRATIONS.map((m) => m.id));
    const rows = db.prepare('SELECT id, full_name, job_title, phone, email, must_change_password, session_epoch, password_changed_at FROM users ORDER BY id').all();
    expect(rows).to.deep.equal(
      [1, 7, 9, 12].map((id) => ({ id, full_name: null, job_title: null, phone: null, email: null, must_change_password: 0, session_epoch: 0, password_changed_at: null })),
    );
  });

  it('keeps every user row as it was, ids included, and every row that names a user', () => {
    expect(db.prepare('SELECT id, username, password_hash, role, city_id, disabled, created_at FROM users ORDER BY id').all()).to.deep.equal(original.users);
    for (const [table] of USER_REFERENCES) expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).to.equal(original.counts[table]);
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).to.equal(1);
  });

  it('leaves every foreign key intact and still pointing at users', () => {
    expect(db.pragma('foreign_key_check')).to.deep.equal([]);
    expect(db.pragma('foreign_keys', { simple: true })).to.equal(1);
    for (const [table, column] of USER_REFERENCES) {
      const keys = db.pragma(`foreign_key_list(${table})`) as { table: string; from: string; to: string }[];
      expect(keys.some((k) => k.from === column && k.table === 'users' && k.to === 'id'), `${table}.${column} → users.id`).to.equal(true);
    }
    expect(db.prepare("SELECT sql FROM sqlite_master WHERE sql LIKE '%users_rebuilt%'").all(), 'nothing names the temporary table').to.deep.equal([]);
    // Still enforced: a user with documents cannot go, a token of an unknown user cannot come, a user's tokens go with them.
    expect(() => db.prepare('DELETE FROM users WHERE id = 7').run()).to.throw(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO api_tokens (user_id, token_hash, created_at, expires_at) VALUES (999, 'x', 'a', 'b')").run()).to.throw(/FOREIGN KEY/);
    db.prepare('DELETE FROM search_log WHERE user_id = 9').run();
    db.prepare('DELETE FROM package_downloads WHERE user_id = 9').run();
    db.prepare('DELETE FROM users WHERE id = 9').run();
    expect(db.prepare('SELECT count(*) FROM api_tokens WHERE user_id = 9').pluck().get()).to.equal(0);
    expect(db.prepare('SELECT count(*) FROM notifications WHERE user_id = 9').pluck().get()).to.equal(0);
  });

  it('lets a reader belong to a city; a city user still needs one, the secretariat still has none, the city must exist', () => {
    const insert = db.prepare("INSERT INTO users (username, password_hash, role, city_id, created_at) VALUES (?, 'h', ?, ?, 'now')");
    insert.run('shiraz-reader', 'reader', 'shiraz');
    insert.run('plain-reader', 'reader', null);
    expect(() => insert.run('city-without', 'city', null)).to.throw(/CHECK/);
    expect(() => insert.run('sec-with', 'secretariat', 'tehran')).to.throw(/CHECK/);
    expect(() => insert.run('nowhere-reader', 'reader', 'atlantis')).to.throw(/FOREIGN KEY/);
    expect(() => insert.run('ADMIN', 'reader', null), 'usernames stay unique whatever their case').to.throw(/UNIQUE/);
    expect(() => db.prepare('UPDATE users SET must_change_password = 2 WHERE id = 1').run()).to.throw(/CHECK/);
    const indexes = db.pragma('index_list(users)') as { name: string }[];
    expect(indexes.map((i) => i.name)).to.include('users_city');
  });
});
