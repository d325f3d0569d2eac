import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../services';
import { directionOf, formatters, hasMessage, localeOf, translator, type Locale, type MessageKey, type Translate } from '../i18n/index';
import { currentVersion, type DocumentVersion } from '../documents/document';
import { fileTypeOf } from '../documents/file-type';
import { previewLinks } from '../previews/preview-links';

/**
 * The reader's language and its formatters, for every template: `t(key, params)`, `digits`, `number`,
 * `date`, `dateTime`, `fileSize`, `locale`, `dir`. Set before anything else renders, the error page included.
 */
export function localize(req: Request, res: Response): Locale {
  const locale = localeOf(req);
  const format = formatters(locale);
  const t = translator(locale);
  res.locals.locale = locale;
  res.locals.dir = directionOf(locale);
  res.locals.t = t;
  res.locals.digits = format.digits;
  res.locals.number = format.number;
  res.locals.date = format.date;
  res.locals.dateTime = format.dateTime;
  res.locals.fileSize = (bytes: number) => format.fileSize(bytes, t('common.fileSizeUnits'));
  res.locals.currentPath = req.path;
  res.locals.currentUrl = req.originalUrl;
  return locale;
}

const PAGE_PREVIEW_LINKS = previewLinks();

/** Labels and formatters every template can use (cities, kinds, hazards, file formats), and the signed-in user. */
export function viewHelpers({ reference, notifications }: Services) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const locale = localize(req, res);
    const vocabulary = reference.vocabulary();
    const cities = reference.cities();
    res.locals.user = req.user ?? null;
    res.locals.unreadNotifications = req.user ? notifications.unreadCount(req.user.id) : 0;
    res.locals.cities = cities;
    res.locals.vocabulary = vocabulary;
    res.locals.cityName = (id: string) => {
      const city = cities.find((c) => c.id === id);
      return city ? (locale === 'fa' ? city.name : city.nameEn) : id;
    };
    res.locals.kindName = (id: string) => vocabulary.kinds.find((k) => k.id === id)?.[locale] ?? id;
    res.locals.hazardName = (id: string) => vocabulary.hazards.find((h) => h.id === id)?.[locale] ?? id;
    const t = res.locals.t;
    /** A file format's name in words from its allowlist id (`pdf`, `docx`…); an id from a URL that names none is shown as it is. */
    const fileTypeLabel = (id: string) => (hasMessage(locale, `files.type.${id}`) ? t(`files.type.${id}` as MessageKey) : id);
    res.locals.fileTypeLabel = fileTypeLabel;
    /**
     * «PDF · ۲٫۳ مگابایت»: a version's format in words and its size, so same-titled documents can be told apart.
     * The format's name is isolated (FSI…PDI) so a Latin name does not pull the Persian size into its direction.
     */
    res.locals.fileLabel = (version: Pick<DocumentVersion, 'contentType' | 'size'>) =>
      t('files.label', { type: `\u2068${fileTypeLabel(fileTypeOf(version.contentType))}\u2069`, size: res.locals.fileSize(version.size) });
    res.locals.currentVersion = currentVersion;
    res.locals.previewLinks = PAGE_PREVIEW_LINKS;
    res.locals.flash = req.session.flash ?? null;
    delete req.session.flash;
    next();
  };
}

declare global {
  namespace Express {
    interface Locals {
      locale: Locale;
      dir: 'rtl' | 'ltr';
      /** `res.locals.t('errors.not_found')`: a message in the reader's language (see server/i18n). */
      t: Translate;
    }
  }
}
