import type { User } from '../auth/roles';
import type { Locale } from '../i18n/index';
import type { ReferenceService } from '../reference/reference.service';

export interface ResolutionChoice {
  /** `meeting/number`, e.g. `9/2`. */
  ref: string;
  /** The text cut at a word for a checkbox label or a chip's title. */
  short: string;
  text: string;
}

const SHORT_RESOLUTION = 90;

/**
 * Every resolution of every meeting as a form offers it (documents, packages): in English where
 * the register has an English text and the reader reads English, in Persian otherwise.
 */
export function resolutionChoices(reference: ReferenceService, user: User, locale: Locale): ResolutionChoice[] {
  return reference.resolutions(user).flatMap((meeting) =>
    meeting.resolutions.map((r) => {
      const text = locale === 'en' && r.textEn ? r.textEn : r.text;
      return { ref: `${meeting.number}/${r.number}`, short: shorten(text, SHORT_RESOLUTION), text };
    }),
  );
}

/** The text without the minutes' opening formula, cut at a word boundary before `max` characters, with an ellipsis when cut. */
function shorten(text: string, max: number): string {
  const plain = text.replace(/^مقرر\s+(شد|گردید)\s*/, '').replace(/\s+/g, ' ').trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trim()}…`;
}
