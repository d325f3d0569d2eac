import type { Db } from './database';
import { NINTH_MEETING } from './seed/meeting-9';
import { CITIES, HAZARDS, KINDS } from './seed/vocabulary';
import { SEED_SYNONYMS } from './seed/synonyms';

/** Idempotent: inserts what is missing, never overwrites what the secretariat has changed since. */
export function seedReferenceData(db: Db): void {
  db.transaction(() => {
    const city = db.prepare('INSERT OR IGNORE INTO cities (id, name_fa, name_en) VALUES (?, ?, ?)');
    for (const c of CITIES) city.run(c.id, c.fa, c.en);
    const term = db.prepare('INSERT OR IGNORE INTO vocabulary (facet, id, label_fa, label_en, position) VALUES (?, ?, ?, ?, ?)');
    KINDS.forEach((k, i) => term.run('kind', k.id, k.fa, k.en, i));
    HAZARDS.forEach((h, i) => term.run('hazard', h.id, h.fa, h.en, i));
    db.prepare('INSERT OR IGNORE INTO meetings (number, city_id, date, title) VALUES (?, ?, ?, ?)').run(
      NINTH_MEETING.number,
      NINTH_MEETING.city,
      NINTH_MEETING.date,
      NINTH_MEETING.title,
    );
    const resolution = db.prepare(
      'INSERT OR IGNORE INTO resolutions (meeting, number, text, text_en, responsible, responsible_en) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const r of NINTH_MEETING.resolutions) {
      resolution.run(NINTH_MEETING.number, r.number, r.text, r.textEn, r.responsible, r.responsibleEn);
    }
    seedSynonyms(db);
  })();
}

/** Each seeded synonym group once, by its key: one the secretariat deleted stays deleted. */
function seedSynonyms(db: Db): void {
  const now = new Date().toISOString();
  const seeded = db.prepare('INSERT OR IGNORE INTO synonym_seeds (key, seeded_at) VALUES (?, ?)');
  const group = db.prepare('INSERT INTO synonym_groups (terms, created_at) VALUES (?, ?)');
  for (const seed of SEED_SYNONYMS) {
    if (seeded.run(seed.key, now).changes === 1) group.run(JSON.stringify(seed.terms), now);
  }
}
