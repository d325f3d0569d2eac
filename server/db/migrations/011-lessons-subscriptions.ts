/**
 * Lessons learned, their follow-up actions, subscriptions to searches, and e-mail.
 *
 * - `lessons`: observation → analysis → recommendation, reviewed as documents are (`review`: draft → submitted →
 *   published or returned) and followed up (`status`: identified → planned → implemented → learned). Their hazards,
 *   source documents (with a page), resolutions and the cities a restricted lesson is shared with are lists of their
 *   own, as for documents. `lesson_actions` give a lesson an owner city and a Solar Hijri due date (`1405-12-20`);
 *   evidence (text and/or a document) closes them.
 * - `subscriptions`: a search (q + filters) someone follows, with a private feed token. `subscription_matches` are
 *   the items each subscription found (its feed); `subscription_deliveries` make sure a person hears of an item once,
 *   whichever of their subscriptions found it; `subscription_audiences` remember who could see each published item
 *   the last time matching ran, so only those it newly reaches are matched. Published documents are entered as they
 *   stand today: subscribing must not announce what was published before.
 * - `users` gains the language its e-mail is written in and which notifications it wants by e-mail; `emails` is the
 *   outbox, each row sent by a durable `email` job.
 */
export const MIGRATION_011 = {
  id: 11,
  name: 'lessons and subscriptions',
  sql: `
    CREATE TABLE lessons (
      id TEXT PRIMARY KEY,
      city_id TEXT NOT NULL REFERENCES cities(id),
      title TEXT NOT NULL,
      observation TEXT NOT NULL,
      analysis TEXT NOT NULL,
      recommendation TEXT NOT NULL,
      year INTEGER NOT NULL,
      access TEXT NOT NULL CHECK (access IN ('portal', 'restricted')),
      review TEXT NOT NULL DEFAULT 'draft' CHECK (review IN ('draft', 'submitted', 'published', 'returned')),
      review_comment TEXT,
      status TEXT NOT NULL DEFAULT 'identified' CHECK (status IN ('identified', 'planned', 'implemented', 'learned')),
      learned_note TEXT,
      created_by INTEGER NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      first_published_at TEXT
    );
    CREATE INDEX lessons_city_review ON lessons(city_id, review);
    CREATE INDEX lessons_review ON lessons(review, updated_at);
    CREATE TABLE lesson_hazards (
      lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
      hazard TEXT NOT NULL,
      PRIMARY KEY (lesson_id, hazard)
    );
    CREATE TABLE lesson_documents (
      lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
      page INTEGER CHECK (page IS NULL OR page >= 1),
      PRIMARY KEY (lesson_id, position)
    );
    CREATE INDEX lesson_documents_document ON lesson_documents(document_id);
    CREATE TABLE lesson_resolutions (
      lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
      meeting INTEGER NOT NULL,
      number INTEGER NOT NULL,
      PRIMARY KEY (lesson_id, meeting, number)
    );
    CREATE TABLE lesson_shares (
      lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
      city_id TEXT NOT NULL REFERENCES cities(id),
      PRIMARY KEY (lesson_id, city_id)
    );
    CREATE INDEX lesson_shares_city ON lesson_shares(city_id);
    CREATE TABLE lesson_actions (
      id INTEGER PRIMARY KEY,
      lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
      description TEXT NOT NULL,
      city_id TEXT NOT NULL REFERENCES cities(id),
      due TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'done')),
      evidence TEXT,
      evidence_document_id TEXT REFERENCES documents(id) ON DELETE SET NULL,
      created_by INTEGER NOT NULL REFERENCES users(id),
      created_at TEXT NOT NULL,
      done_by INTEGER REFERENCES users(id),
      done_at TEXT
    );
    CREATE INDEX lesson_actions_lesson ON lesson_actions(lesson_id, id);
    CREATE INDEX lesson_actions_city ON lesson_actions(city_id, status, due);
    CREATE INDEX audit_log_target ON audit_log(target, id);

    CREATE TABLE subscriptions (
      id INTEGER PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      q TEXT NOT NULL,
      filters TEXT NOT NULL DEFAULT '{}',
      email INTEGER NOT NULL DEFAULT 0 CHECK (email IN (0, 1)),
      digest TEXT NOT NULL DEFAULT 'none' CHECK (digest IN ('none', 'daily')),
      feed_token TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL
    );
    CREATE INDEX subscriptions_user ON subscriptions(user_id, id);
    CREATE TABLE subscription_matches (
      subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
      item_type TEXT NOT NULL CHECK (item_type IN ('document', 'lesson')),
      item_id TEXT NOT NULL,
      matched_at TEXT NOT NULL,
      notified_at TEXT,
      PRIMARY KEY (subscription_id, item_type, item_id)
    );
    CREATE INDEX subscription_matches_recent ON subscription_matches(subscription_id, matched_at);
    CREATE TABLE subscription_deliveries (
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      item_type TEXT NOT NULL CHECK (item_type IN ('document', 'lesson')),
      item_id TEXT NOT NULL,
      subscription_id INTEGER REFERENCES subscriptions(id) ON DELETE SET NULL,
      delivered_at TEXT NOT NULL,
      PRIMARY KEY (user_id, item_type, item_id)
    ) WITHOUT ROWID;
    CREATE TABLE subscription_audiences (
      item_type TEXT NOT NULL CHECK (item_type IN ('document', 'lesson')),
      item_id TEXT NOT NULL,
      access TEXT NOT NULL CHECK (access IN ('portal', 'restricted')),
      cities TEXT NOT NULL,
      PRIMARY KEY (item_type, item_id)
    ) WITHOUT ROWID;
    INSERT INTO subscription_audiences (item_type, item_id, access, cities)
      SELECT 'document', d.id, d.access,
        (SELECT json_group_array(c) FROM (SELECT d.city_id AS c UNION SELECT s.city_id FROM document_shares s WHERE s.document_id = d.id ORDER BY 1))
      FROM documents d WHERE d.status = 'published';

    ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'fa' CHECK (language IN ('fa', 'en'));
    ALTER TABLE users ADD COLUMN email_review INTEGER NOT NULL DEFAULT 0 CHECK (email_review IN (0, 1));
    ALTER TABLE users ADD COLUMN email_packages INTEGER NOT NULL DEFAULT 0 CHECK (email_packages IN (0, 1));
    ALTER TABLE users ADD COLUMN email_subscriptions INTEGER NOT NULL DEFAULT 1 CHECK (email_subscriptions IN (0, 1));

    CREATE TABLE emails (
      id INTEGER PRIMARY KEY,
      user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      message TEXT NOT NULL,
      link TEXT NOT NULL,
      items TEXT NOT NULL DEFAULT '[]',
      state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'dropped', 'failed')),
      error TEXT,
      created_at TEXT NOT NULL,
      sent_at TEXT
    );
    CREATE INDEX emails_state ON emails(state, id);
  `,
};
