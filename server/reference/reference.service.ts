import type { Db } from '../db/database';
import type { User } from '../auth/roles';
import { visibleDocumentsSql } from '../documents/access.policy';
import type { CitiesService, City } from '../cities/cities.service';

export type { City } from '../cities/cities.service';

export interface VocabularyTerm {
  id: string;
  fa: string;
  en: string;
}

/** Cities (read from `server/cities/`, which also writes them), the kinds and hazards vocabulary, and the register of meetings and resolutions. */
export class ReferenceService {
  constructor(
    private readonly db: Db,
    private readonly cityBook: Pick<CitiesService, 'list' | 'find'>,
  ) {}

  cities(): City[] {
    return this.cityBook.list();
  }

  cityName(id: string): string {
    return this.cityBook.find(id)?.name ?? id;
  }

  vocabulary(): { kinds: VocabularyTerm[]; hazards: VocabularyTerm[] } {
    const terms = (facet: string) =>
      this.db.prepare('SELECT id, label_fa AS fa, label_en AS en FROM vocabulary WHERE facet = ? ORDER BY position').all(facet) as VocabularyTerm[];
    return { kinds: terms('kind'), hazards: terms('hazard') };
  }

  /**
   * Meetings with their resolutions, for the upload form's choices (documents.pages.ts); each resolution
   * lists only the documents `viewer` may see. The register itself (API, pages, follow-up) is `ResolutionsService`.
   */
  resolutions(viewer: User) {
    const meetings = this.db.prepare('SELECT number, city_id, date, title FROM meetings ORDER BY number').all() as {
      number: number;
      city_id: string;
      date: string;
      title: string;
    }[];
    const visible = visibleDocumentsSql(viewer);
    const linked = this.db.prepare(
      `SELECT r.document_id FROM document_resolutions r JOIN documents d ON d.id = r.document_id
       WHERE r.meeting = @meeting AND r.number = @number AND ${visible.sql} ORDER BY d.created_at`,
    );
    return meetings.map((m) => ({
      number: m.number,
      city: m.city_id,
      date: m.date,
      title: m.title,
      resolutions: (
        this.db.prepare('SELECT * FROM resolutions WHERE meeting = ? ORDER BY number').all(m.number) as {
          number: number;
          text: string;
          text_en: string | null;
          responsible: string;
          status: string;
          due_date: string | null;
        }[]
      ).map((r) => ({
        number: r.number,
        text: r.text,
        textEn: r.text_en,
        responsible: r.responsible,
        status: r.status,
        dueDate: r.due_date,
        documents: linked.pluck().all({ ...visible.params, meeting: m.number, number: r.number }) as string[],
      })),
    }));
  }
}
