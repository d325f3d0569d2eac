import type { Db } from '../db/database';
import type { AuditLog } from '../audit/audit.log';
import type { User } from '../auth/roles';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/errors';
import type { CityCreate, CityUpdate } from './cities.schema';

export interface City {
  id: string;
  name: string;
  nameEn: string;
  newMetropolis: boolean;
}

/**
 * What follows a city becoming a new metropolis: the packages already published to "new metropolises"
 * reach its users from then on (visibility is computed at read time), and they are told. Runs inside
 * the transaction that sets the flag; answers how many notifications it wrote.
 */
export interface NewMetropolisFollower {
  cityBecameNewMetropolis(cityId: string): number;
}

interface CityRow {
  id: string;
  name_fa: string;
  name_en: string;
  is_new_metropolis: number;
}

/** The one place cities are read and written: the list every page shows, and the secretariat's additions and edits. */
export class CitiesService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly follower: NewMetropolisFollower,
  ) {}

  /** Every city, the seeded ones first in their order, then those the secretariat added, oldest first. */
  list(): City[] {
    return (this.db.prepare('SELECT id, name_fa, name_en, is_new_metropolis FROM cities ORDER BY rowid').all() as CityRow[]).map(toCity);
  }

  find(id: string): City | null {
    const row = this.db.prepare('SELECT id, name_fa, name_en, is_new_metropolis FROM cities WHERE id = ?').get(id) as CityRow | undefined;
    return row ? toCity(row) : null;
  }

  get(id: string): City {
    const city = this.find(id);
    if (!city) throw new NotFoundError('no such city');
    return city;
  }

  /** Adds a city; one marked a new metropolis at once receives the packages already sent to new metropolises. */
  create(actor: User, input: CityCreate): { city: City; notified: number } {
    assertSecretariat(actor);
    return this.db.transaction(() => {
      if (this.find(input.id)) throw new ConflictError(`a city with the id ${input.id} exists`, 'city_exists');
      this.db
        .prepare('INSERT INTO cities (id, name_fa, name_en, is_new_metropolis) VALUES (?, ?, ?, ?)')
        .run(input.id, input.name, input.nameEn, input.newMetropolis ? 1 : 0);
      const notified = input.newMetropolis ? this.follower.cityBecameNewMetropolis(input.id) : 0;
      this.audit.record(actor, 'city.created', {
        target: `city:${input.id}`,
        details: { name: input.name, nameEn: input.nameEn, newMetropolis: input.newMetropolis, ...(input.newMetropolis ? { notified } : {}) },
      });
      return { city: this.get(input.id), notified };
    })();
  }

  /**
   * Renames a city or marks/unmarks it a new metropolis. Marking it delivers the packages already published to
   * new metropolises to its users (and notifies them); unmarking takes them away again at the next read.
   * Nothing that does not change is recorded: sending the same values answers the city without an audit row.
   */
  update(actor: User, id: string, input: CityUpdate): { city: City; notified: number } {
    assertSecretariat(actor);
    return this.db.transaction(() => {
      const before = this.get(id);
      const changes: Record<string, [unknown, unknown]> = {};
      if (input.name !== undefined && input.name !== before.name) changes.name = [before.name, input.name];
      if (input.nameEn !== undefined && input.nameEn !== before.nameEn) changes.nameEn = [before.nameEn, input.nameEn];
      if (input.newMetropolis !== undefined && input.newMetropolis !== before.newMetropolis) changes.newMetropolis = [before.newMetropolis, input.newMetropolis];
      if (Object.keys(changes).length === 0) return { city: before, notified: 0 };
      this.db
        .prepare('UPDATE cities SET name_fa = ?, name_en = ?, is_new_metropolis = ? WHERE id = ?')
        .run(input.name ?? before.name, input.nameEn ?? before.nameEn, (input.newMetropolis ?? before.newMetropolis) ? 1 : 0, id);
      const marked = changes.newMetropolis !== undefined && input.newMetropolis === true;
      const notified = marked ? this.follower.cityBecameNewMetropolis(id) : 0;
      this.audit.record(actor, 'city.updated', { target: `city:${id}`, details: { changes, ...(marked ? { notified } : {}) } });
      return { city: this.get(id), notified };
    })();
  }
}

function toCity(row: CityRow): City {
  return { id: row.id, name: row.name_fa, nameEn: row.name_en, newMetropolis: row.is_new_metropolis === 1 };
}

function assertSecretariat(actor: User): void {
  if (actor.role !== 'secretariat') throw new ForbiddenError('only the secretariat adds and edits cities');
}
