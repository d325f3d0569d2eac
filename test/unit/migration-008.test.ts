import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { openDatabase, type Db } from '../../server/db/database';
import { MIGRATIONS } from '../../server/db/migrations/index';

/**
 * Migration 008 on a database written by the previous release: every row kept, the first publication and the status
 * before withdrawal read back from the audit log, `jobs` free of its foreign key, package items following their document.
 */
describe('migration 008: document lifecycle', () => {
  let dir: string;
  let file: string;
  let db: Db;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tajrobe-migration-'));
    file = path.join(dir, 'tajrobe.sqlite');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    old.exec('CREATE TABLE schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const migration of MIGRATIONS.filter((m) => m.id < 8)) {
      old.exec(migration.sql);
      old.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(migration.id, migration.name, '2026-01-01T00:00:00.000Z');
    }
    old.exec(`
      INSERT INTO cities (id, name_fa, name_en) VALUES ('tehran', 'تهران', 'Tehran');
      INSERT INTO users (id, username, password_hash, role, created_at) VALUES (1, 'sec', 'x', 'secretariat', '2026-01-01');
    `);
    const doc = old.prepare(
      `INSERT INTO documents (id, city_id, title, summary, kind, year, access, status, created_by, created_at, updated_at)
       VALUES (?, 'tehran', ?, 's', 'other', 1400, 'portal', ?, 1, '2026-01-01T00:00:00.000Z', ?)`,
    );
    const version = old.prepare(
      `INSERT INTO document_versions (document_id, number, filename, size, sha256, content_type, store, object_key, created_by, created_at)
       VALUES (?, 1, 'f.pdf', 10, ?, 'application/pdf', 'fs', ?, 1, '2026-01-01T00:00:00.000Z')`,
    );
    const audit = old.prepare('INSERT INTO audit_log (at, user_id, action, document_id, details) VALUES (?, 1, ?, ?, ?)');
    const rows: [string, string, string][] = [
      ['published', 'published', '2026-03-01T00:00:00.000Z'],
      ['withdrawn-published', 'withdrawn', '2026-04-01T00:00:00.000Z'],
      ['draft', 'draft', '2026-01-02T00:00:00.000Z'],
      ['withdrawn-draft', 'withdrawn', '2026-01-03T00:00:00.000Z'],
      ['published-unlogged', 'published', '2026-05-05T00:00:00.000Z'],
    ];
    for (const [id, status, updated] of rows) {
      doc.run(id, `سند ${id}`, status, updated);
      version.run(id, `${'0'.repeat(63)}${rows.findIndex((r) => r[0] === id)}`, `versions/${id}`);
    }
    audit.run('2026-02-01T00:00:00.000Z', 'document.published', 'published', '{"from":"submitted","to":"published"}');
    audit.run('2026-02-15T00:00:00.000Z', 'document.published', 'withdrawn-published', '{"from":"submitted","to":"published"}');
    audit.run('2026-02-20T00:00:00.000Z', 'document.withdrawn', 'withdrawn-published', '{"from":"published","to":"withdrawn"}');
    audit.run('2026-03-20T00:00:00.000Z', 'document.published', 'withdrawn-published', '{"from":"withdrawn","to":"published"}');
    audit.run('2026-04-01T00:00:00.000Z', 'document.withdrawn', 'withdrawn-published', '{"from":"published","to":"withdrawn"}');
    audit.run('2026-01-03T00:00:00.000Z', 'document.withdrawn', 'withdrawn-draft', '{"from":"draft","to":"withdrawn"}');
    old.exec(`
      INSERT INTO jobs (id, kind, document_id, state, attempts, run_after, created_at, updated_at)
        VALUES (7, 'extract', 'published', 'done', 1, '2026-01-01', '2026-01-01', '2026-01-01'),
               (8, 'index', 'draft', 'queued', 0, '2026-01-01', '2026-01-01', '2026-01-01');
      INSERT INTO packages (id, title, status, audience, created_by, created_at, updated_at) VALUES ('p1', 'بسته', 'published', 'all', 1, '2026-01-01', '2026-01-01');
      INSERT INTO package_items (package_id, position, document_id, note) VALUES ('p1', 1, 'published', 'نخست'), ('p1', 2, 'published-unlogged', '');
    `);
    old.close();
    db = openDatabase(file);
  });

  after(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const row = (id: string) => db.prepare('SELECT first_published_at AS first, status_before_withdrawal AS before FROM documents WHERE id = ?').get(id);

  it('is recorded as applied', () => {
    expect(db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all()).to.include(8);
  });

  it('reads the first publication from the audit log, or the last change of a published document the log does not know', () => {
    expect(row('published')).to.include({ first: '2026-02-01T00:00:00.000Z' });
    expect(row('withdrawn-published')).to.include({ first: '2026-02-15T00:00:00.000Z' });
    expect(row('draft')).to.include({ first: null });
    expect(row('withdrawn-draft')).to.include({ first: null });
    expect(row('published-unlogged')).to.include({ first: '2026-05-05T00:00:00.000Z' });
  });

  it('reads the status before withdrawal from the last withdrawal, for withdrawn documents only', () => {
    expect(row('withdrawn-published')).to.include({ before: 'published' });
    expect(row('withdrawn-draft')).to.include({ before: 'draft' });
    expect(row('published')).to.include({ before: null });
  });

  it('keeps every version as a published one (no revision) and every job, package item and index', () => {
    expect(db.prepare('SELECT count(*) FROM document_versions WHERE revision IS NULL AND review_comment IS NULL').pluck().get()).to.equal(5);
    expect(db.prepare('SELECT id, kind, document_id, state FROM jobs ORDER BY id').all()).to.deep.equal([
      { id: 7, kind: 'extract', document_id: 'published', state: 'done' },
      { id: 8, kind: 'index', document_id: 'draft', state: 'queued' },
    ]);
    expect(db.prepare('SELECT package_id, position, document_id, note FROM package_items ORDER BY position').all()).to.deep.equal([
      { package_id: 'p1', position: 1, document_id: 'published', note: 'نخست' },
      { package_id: 'p1', position: 2, document_id: 'published-unlogged', note: '' },
    ]);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").pluck().all();
    expect(indexes).to.include.members(['jobs_pending', 'package_items_document', 'document_versions_sha256']);
    expect(db.pragma('foreign_key_check')).to.deep.equal([]);
  });

  it('lets a deleted document take its package items along and leave its jobs (no foreign key on jobs)', () => {
    expect(db.pragma('foreign_key_list(jobs)')).to.deep.equal([]);
    db.prepare("INSERT INTO jobs (kind, document_id, run_after, created_at, updated_at) VALUES ('index', 'published', 'x', 'x', 'x')").run();
    db.prepare("DELETE FROM documents WHERE id = 'published'").run();
    expect(db.prepare("SELECT count(*) FROM package_items WHERE document_id = 'published'").pluck().get()).to.equal(0);
    expect(db.prepare("SELECT count(*) FROM package_items WHERE package_id = 'p1'").pluck().get()).to.equal(1);
    expect(db.prepare("SELECT count(*) FROM jobs WHERE document_id = 'published'").pluck().get()).to.equal(2);
    expect(db.prepare("SELECT count(*) FROM document_versions WHERE document_id = 'published'").pluck().get()).to.equal(0);
  });

  it('refuses a revision state it does not know', () => {
    expect(() => db.prepare("UPDATE document_versions SET revision = 'maybe' WHERE document_id = 'draft'").run()).to.throw(/CHECK/);
  });
});
