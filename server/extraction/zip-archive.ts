import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ExtractionError } from './extraction.types';

/**
 * Reads OOXML and OpenDocument packages entry by entry from the central directory, never the whole archive.
 * Zip bombs are refused before inflating: too many entries, an entry declaring too much, or an entry that would
 * inflate far more than XML ever does. yauzl stops any entry whose data inflates past its declared size.
 */
export type ZipLimits = {
  maxEntries: number;
  maxEntryBytes: number;
  /** Inflated/compressed above which an entry larger than `ratioCheckFromBytes` is taken for a bomb. */
  maxRatio: number;
  ratioCheckFromBytes: number;
};

export const ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 512 * 1024 * 1024,
  // Office XML deflates 5–30 times; a bomb a thousand times or more.
  maxRatio: 200,
  ratioCheckFromBytes: 16 * 1024 * 1024,
};

const SMALL_PART_BYTES = 16 * 1024 * 1024;

export class ZipArchive {
  private readonly byName: Map<string, Entry>;
  private readonly byLowerName: Map<string, Entry>;

  private constructor(
    private readonly zip: ZipFile,
    entries: Entry[],
    private readonly limits: ZipLimits,
  ) {
    this.byName = new Map(entries.map((entry) => [entry.fileName, entry]));
    this.byLowerName = new Map(entries.map((entry) => [entry.fileName.toLowerCase(), entry]));
  }

  static async open(path: string, limits: ZipLimits = ZIP_LIMITS): Promise<ZipArchive> {
    const zip = await new Promise<ZipFile>((resolve, reject) =>
      yauzl.open(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false, decodeStrings: true }, (error, file) =>
        error ? reject(new ExtractionError('corrupt archive', `not a readable ZIP package: ${error.message}`)) : resolve(file),
      ),
    );
    if (zip.entryCount > limits.maxEntries) {
      zip.close();
      throw new ExtractionError('archive limits exceeded', `the package has ${zip.entryCount} entries; at most ${limits.maxEntries} are read`);
    }
    const entries = await new Promise<Entry[]>((resolve, reject) => {
      const list: Entry[] = [];
      zip.on('entry', (entry: Entry) => {
        list.push(entry);
        zip.readEntry();
      });
      zip.on('end', () => resolve(list));
      zip.on('error', (error: Error) => reject(new ExtractionError('corrupt archive', `broken ZIP directory: ${error.message}`)));
      zip.readEntry();
    }).catch((error: unknown) => {
      zip.close();
      throw error;
    });
    return new ZipArchive(zip, entries, limits);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** Part names are case-insensitive in OPC; an exact match wins. */
  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  /** Throws ExtractionError('archive limits exceeded') for an entry that must not be inflated. */
  check(name: string): void {
    const entry = this.find(name);
    if (entry) this.checkEntry(entry);
  }

  async stream(name: string): Promise<Readable> {
    const entry = this.find(name);
    if (!entry) throw new ExtractionError('unreadable document', `the package lacks ${name}`);
    this.checkEntry(entry);
    if (entry.isEncrypted()) throw new ExtractionError('unreadable document', `${name} is encrypted`);
    const stream = await new Promise<Readable>((resolve, reject) =>
      this.zip.openReadStream(entry, (error, readable) =>
        error ? reject(new ExtractionError('corrupt archive', `cannot read ${name}: ${error.message}`)) : resolve(readable),
      ),
    );
    return stream;
  }

  /** A small part (relationships, workbook, manifest) as text; undefined when absent. */
  async text(name: string): Promise<string | undefined> {
    const entry = this.find(name);
    if (!entry) return undefined;
    if (entry.uncompressedSize > SMALL_PART_BYTES) {
      throw new ExtractionError('archive limits exceeded', `${name} declares ${entry.uncompressedSize} bytes`);
    }
    const chunks: Buffer[] = [];
    const stream = await this.stream(name);
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch (error) {
      throw asArchiveError(error, name);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  close(): void {
    this.zip.close();
  }

  private find(name: string): Entry | undefined {
    const clean = name.replace(/^\/+/, '');
    return this.byName.get(clean) ?? this.byLowerName.get(clean.toLowerCase());
  }

  private checkEntry(entry: Entry): void {
    const { maxEntryBytes, maxRatio, ratioCheckFromBytes } = this.limits;
    if (entry.uncompressedSize > maxEntryBytes) {
      throw new ExtractionError('archive limits exceeded', `${entry.fileName} declares ${entry.uncompressedSize} bytes; the limit is ${maxEntryBytes}`);
    }
    if (entry.uncompressedSize > ratioCheckFromBytes && entry.uncompressedSize > maxRatio * Math.max(1, entry.compressedSize)) {
      throw new ExtractionError(
        'archive limits exceeded',
        `${entry.fileName} would inflate ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} times (zip bomb?)`,
      );
    }
  }
}

/** Errors while inflating mean a damaged or lying archive. */
export function asArchiveError(error: unknown, name: string): ExtractionError {
  if (error instanceof ExtractionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ExtractionError('corrupt archive', `cannot inflate ${name}: ${message}`);
}

/** Resolves a relationship target against the folder of the part that holds the relationship. */
export function resolvePartName(sourceFolder: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = sourceFolder.split('/').filter(Boolean);
  for (const segment of target.split('/')) {
    if (segment === '..') parts.pop();
    else if (segment !== '.' && segment !== '') parts.push(segment);
  }
  return parts.join('/');
}
