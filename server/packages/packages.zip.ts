import path from 'node:path';
import type { Readable } from 'node:stream';
import ejs from 'ejs';
import type { Response } from 'express';
import { ZipArchive } from 'archiver';
import type { StoreRegistry } from '../../storage/store-registry';
import { contentDisposition } from '../documents/download';
import type { DeliveredItem, PortalPackage } from './package';
import type { Locale, Translate } from '../i18n/index';

const INDEX_TEMPLATE = path.resolve(import.meta.dirname, '../../views/package-zip-index.ejs');

/** The downloader's language for the ZIP's index.html: a file opened offline, so it carries its own words. */
export interface ZipLanguage {
  locale: Locale;
  dir: 'rtl' | 'ltr';
  t: Translate;
  digits(value: string | number): string;
  number(value: number): string;
  dateTime(iso: string): string;
  cityName(id: string): string;
  kindName(id: string): string;
}

export interface ZipEntryPlan {
  item: DeliveredItem;
  /** The entry's name inside the package folder, e.g. `01 - گزارش.pdf`. */
  name: string;
}

/**
 * Streams the package as one ZIP while it is built: each file is read from the store that holds it and
 * appended only after the previous one has been written, so at most one source stream is open
 * and no file or archive is ever held whole in memory or on disk. Entry names are UTF-8 (the
 * archive writer sets the language-encoding flag for non-ASCII names).
 */
export async function streamPackageZip(
  res: Response,
  stores: StoreRegistry,
  pkg: PortalPackage,
  items: DeliveredItem[],
  language: ZipLanguage,
  generatedAt = new Date(),
): Promise<void> {
  const folder = safeName(pkg.title) || `package-${pkg.id}`;
  const plan = planEntries(items);
  const index = await ejs.renderFile(INDEX_TEMPLATE, { ...language, pkg, plan, generatedAt: generatedAt.toISOString() }, { async: false });
  const manifest = {
    package: pkg.id,
    title: pkg.title,
    generatedAt: generatedAt.toISOString(),
    items: plan.map(({ item, name }) => ({
      document: item.document.id,
      title: item.document.title,
      version: item.version.number,
      filename: name,
      originalFilename: item.version.filename,
      size: item.version.size,
      sha256: item.version.sha256,
      contentType: item.version.contentType,
    })),
  };

  const archive = new ZipArchive({ zlib: { level: 6 } });
  let source: Readable | null = null;
  let failure: Error | null = null;
  archive.on('warning', (error: Error) => (failure ??= error));
  archive.on('error', (error: Error) => (failure ??= error));
  res.on('close', () => {
    if (res.writableFinished) return;
    source?.destroy();
    archive.abort();
  });

  res.status(200).set({
    'Content-Type': 'application/zip',
    'Content-Disposition': contentDisposition(`${folder}.zip`),
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  archive.pipe(res);

  for (const { item, name } of plan) {
    if (res.destroyed || failure) break;
    source = await stores.for(item.version.store).get(item.version.objectKey);
    const written = entryWritten(archive, res);
    archive.append(source, { name: `${folder}/${name}`, date: new Date(item.version.createdAt) });
    await written.catch((error: Error) => (failure ??= error));
    source = null;
  }
  if (res.destroyed) return;
  if (failure) {
    archive.abort();
    res.destroy(failure);
    return;
  }
  archive.append(index, { name: `${folder}/index.html`, date: generatedAt });
  archive.append(`${JSON.stringify(manifest, null, 2)}\n`, { name: `${folder}/manifest.json`, date: generatedAt });
  await archive.finalize();
}

/** Settles once the archive has written the entry being appended, failed, or lost its client. */
function entryWritten(archive: ZipArchive, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      archive.off('entry', onEntry);
      archive.off('error', onError);
      res.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onEntry = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () => settle();
    archive.on('entry', onEntry);
    archive.on('error', onError);
    res.on('close', onClose);
  });
}

/** `01 - <original name>`, numbered in package order, unique within the folder. */
export function planEntries(items: DeliveredItem[]): ZipEntryPlan[] {
  const width = Math.max(2, String(items.length).length);
  const used = new Set<string>(['index.html', 'manifest.json']);
  return items.map((item, index) => {
    const base = `${String(index + 1).padStart(width, '0')} - ${safeName(item.version.filename) || 'file'}`;
    let name = base;
    for (let n = 2; used.has(name.toLowerCase()); n += 1) {
      const ext = path.extname(base);
      name = `${base.slice(0, base.length - ext.length)} (${n})${ext}`;
    }
    used.add(name.toLowerCase());
    return { item, name };
  });
}

/** A single path segment every unzip tool accepts: no separators, control or reserved characters, no dot-only names. */
export function safeName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[. ]+|[. ]+$/g, '');
  return [...cleaned].slice(0, 120).join('');
}
