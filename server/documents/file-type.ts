/**
 * Decides an uploaded file's type from its leading bytes against an allowlist.
 * The client's content type is never trusted; the claimed name only chooses among formats that share
 * a container (the OLE header of doc/xls/ppt, the text formats) and must otherwise agree with the content.
 */

export const SNIFF_BYTES = 65536;

export type AllowedType = { id: string; contentType: string; extensions: string[] };

export type SniffResult =
  | { ok: true; type: AllowedType; contentType: string; extension: string }
  | { ok: false; reason: string };

type Refusal = Extract<SniffResult, { ok: false }>;

const TYPES = {
  pdf: { id: 'pdf', contentType: 'application/pdf', extensions: ['pdf'] },
  doc: { id: 'doc', contentType: 'application/msword', extensions: ['doc'] },
  xls: { id: 'xls', contentType: 'application/vnd.ms-excel', extensions: ['xls'] },
  ppt: { id: 'ppt', contentType: 'application/vnd.ms-powerpoint', extensions: ['ppt'] },
  docx: {
    id: 'docx',
    contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
  },
  xlsx: {
    id: 'xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
  },
  pptx: {
    id: 'pptx',
    contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
  },
  odt: { id: 'odt', contentType: 'application/vnd.oasis.opendocument.text', extensions: ['odt'] },
  ods: { id: 'ods', contentType: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'] },
  odp: { id: 'odp', contentType: 'application/vnd.oasis.opendocument.presentation', extensions: ['odp'] },
  txt: { id: 'txt', contentType: 'text/plain', extensions: ['txt'] },
  md: { id: 'md', contentType: 'text/markdown', extensions: ['md'] },
  csv: { id: 'csv', contentType: 'text/csv', extensions: ['csv'] },
  html: { id: 'html', contentType: 'text/html', extensions: ['html', 'htm'] },
  jpeg: { id: 'jpeg', contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  png: { id: 'png', contentType: 'image/png', extensions: ['png'] },
  tiff: { id: 'tiff', contentType: 'image/tiff', extensions: ['tif', 'tiff'] },
  mp4: { id: 'mp4', contentType: 'video/mp4', extensions: ['mp4'] },
} satisfies Record<string, AllowedType>;

export const ALLOWED_TYPES: readonly AllowedType[] = Object.values(TYPES);

/** The allowlist's ids, and `other` for a stored type outside it; each has a name in words in both catalogues (`files.type`). */
export type FileTypeId = keyof typeof TYPES | 'other';

/** The allowlist's short id for a stored content type (`text/plain; charset=utf-8` → `txt`). */
export function fileTypeOf(contentType: string): FileTypeId {
  const bare = contentType.split(';')[0]!.trim();
  return (ALLOWED_TYPES.find((t) => t.contentType.split(';')[0]!.trim() === bare)?.id as FileTypeId | undefined) ?? 'other';
}

const TYPE_BY_EXTENSION = new Map(ALLOWED_TYPES.flatMap((type) => type.extensions.map((ext) => [ext, type] as const)));

const OLE_TYPES = [TYPES.doc, TYPES.xls, TYPES.ppt];
const OOXML_TYPES = [TYPES.docx, TYPES.xlsx, TYPES.pptx];
const TEXT_TYPES = [TYPES.txt, TYPES.md, TYPES.csv, TYPES.html];

/** What the content allows; the claimed extension then picks one of the candidates. */
type Candidates = {
  candidates: AllowedType[];
  /** The type the content itself points to; a claimed extension must agree with it. */
  shown?: AllowedType;
  /** Used for a name without an extension when the content shows nothing more specific. */
  fallback?: AllowedType;
  charset?: 'utf-8' | 'windows-1256';
};

const bytes = (...values: number[]) => Buffer.from(values);
const ascii = (text: string) => Buffer.from(text, 'latin1');

const EXECUTABLE_SIGNATURES = [
  ascii('MZ'),
  bytes(0x7f, 0x45, 0x4c, 0x46), // ELF
  // Mach-O: 32 and 64 bit in both byte orders, then universal binaries (the same magic as Java class files)
  bytes(0xfe, 0xed, 0xfa, 0xce),
  bytes(0xfe, 0xed, 0xfa, 0xcf),
  bytes(0xce, 0xfa, 0xed, 0xfe),
  bytes(0xcf, 0xfa, 0xed, 0xfe),
  bytes(0xca, 0xfe, 0xba, 0xbe),
];
const SCRIPT_SIGNATURE = ascii('#!');
const COMPRESSED_ARCHIVE_SIGNATURES = [
  ascii('Rar!\x1a\x07'),
  bytes(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c), // 7z
  bytes(0x1f, 0x8b), // gzip
];
const ZIP_SIGNATURES = [ascii('PK\x03\x04'), ascii('PK\x05\x06'), ascii('PK\x07\x08')];
const PDF_SIGNATURE = ascii('%PDF-');
const OLE_SIGNATURE = bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1);
const JPEG_SIGNATURE = bytes(0xff, 0xd8, 0xff);
const PNG_SIGNATURE = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const TIFF_SIGNATURES = [ascii('II*\0'), ascii('MM\0*')];

export function sniffFileType(head: Buffer, claimedName: string): SniffResult {
  if (head.length === 0) return refuse('empty file');
  const detected = detectContent(head);
  if ('reason' in detected) return detected;
  return matchExtension(detected, extensionOf(claimedName));
}

function detectContent(head: Buffer): Candidates | Refusal {
  if (EXECUTABLE_SIGNATURES.some((sig) => startsWith(head, sig))) return refuse('executable files are not accepted');
  if (startsWith(head, SCRIPT_SIGNATURE)) return refuse('scripts are not accepted');
  if (COMPRESSED_ARCHIVE_SIGNATURES.some((sig) => startsWith(head, sig))) return refuse('archives are not accepted');
  if (startsWith(head, PDF_SIGNATURE)) return only(TYPES.pdf);
  if (startsWith(head, OLE_SIGNATURE)) return { candidates: OLE_TYPES, shown: oleTypeFromDirectory(head) };
  if (ZIP_SIGNATURES.some((sig) => startsWith(head, sig))) return detectZipPackage(head);
  if (startsWith(head, JPEG_SIGNATURE)) return only(TYPES.jpeg);
  if (startsWith(head, PNG_SIGNATURE)) return only(TYPES.png);
  if (TIFF_SIGNATURES.some((sig) => startsWith(head, sig))) return only(TYPES.tiff);
  if (isMp4(head)) return only(TYPES.mp4);
  return detectText(head) ?? refuse('file type not allowed');
}

function matchExtension(detected: Candidates, claimedExtension: string): SniffResult {
  if (claimedExtension === '') {
    const type = detected.shown ?? detected.fallback;
    if (!type) return refuse('cannot tell the document type without a file extension');
    return accept(type, type.extensions[0]!, detected.charset);
  }
  const claimed = detected.candidates.find((type) => type.extensions.includes(claimedExtension));
  if (!claimed || (detected.shown && detected.shown !== claimed)) {
    return refuse(
      TYPE_BY_EXTENSION.has(claimedExtension)
        ? `content does not match the .${claimedExtension} extension`
        : `the .${claimedExtension} extension is not allowed`,
    );
  }
  return accept(claimed, claimedExtension, detected.charset);
}

function accept(type: AllowedType, extension: string, charset?: string): SniffResult {
  const contentType = charset ? `${type.contentType}; charset=${charset}` : type.contentType;
  return { ok: true, type, contentType, extension };
}

function refuse(reason: string): Refusal {
  return { ok: false, reason };
}

function only(type: AllowedType): Candidates {
  return { candidates: [type], shown: type };
}

function startsWith(head: Buffer, signature: Buffer, offset = 0): boolean {
  return head.length >= offset + signature.length && head.subarray(offset, offset + signature.length).equals(signature);
}

function extensionOf(claimedName: string): string {
  const name = safeFilename(claimedName);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

// --- OLE compound files (doc, xls, ppt) ---

const OLE_STREAM_TYPES = new Map<string, AllowedType>([
  ['WordDocument', TYPES.doc],
  ['Workbook', TYPES.xls],
  ['Book', TYPES.xls],
  ['PowerPoint Document', TYPES.ppt],
]);
const OLE_DIRECTORY_ENTRY_BYTES = 128;

/** Only the first directory sector is read, and only if it lies inside the sniffed bytes; often it does not. */
function oleTypeFromDirectory(head: Buffer): AllowedType | undefined {
  if (head.length < 512) return undefined;
  const sectorShift = head.readUInt16LE(0x1e);
  if (sectorShift !== 9 && sectorShift !== 12) return undefined;
  const sectorSize = 1 << sectorShift;
  // Sector n starts after the header, which occupies one sector-sized slot.
  const start = (head.readUInt32LE(0x30) + 1) * sectorSize;
  const end = Math.min(start + sectorSize, head.length);
  for (let entry = start; entry + OLE_DIRECTORY_ENTRY_BYTES <= end; entry += OLE_DIRECTORY_ENTRY_BYTES) {
    const nameBytes = head.readUInt16LE(entry + 0x40);
    if (nameBytes < 2 || nameBytes > 64) continue;
    const type = OLE_STREAM_TYPES.get(head.toString('utf16le', entry, entry + nameBytes - 2));
    if (type) return type;
  }
  return undefined;
}

// --- ZIP packages (OOXML, OpenDocument) ---

const ZIP_LOCAL_HEADER = ZIP_SIGNATURES[0]!;
const ZIP_LOCAL_HEADER_BYTES = 30;
const ZIP_FLAG_DATA_DESCRIPTOR = 0x0008;
const ZIP_FLAG_UTF8_NAME = 0x0800;
const ZIP_METHOD_STORED = 0;
const ZIP64_SIZE_IN_EXTRA = 0xffffffff;

const ODF_TYPES = new Map<string, AllowedType>([
  ['application/vnd.oasis.opendocument.text', TYPES.odt],
  ['application/vnd.oasis.opendocument.spreadsheet', TYPES.ods],
  ['application/vnd.oasis.opendocument.presentation', TYPES.odp],
]);
// OPC does not fix the entry order, so either mandatory part may be the one inside the sniff window.
const OPC_MARKER_ENTRIES = new Set(['[Content_Types].xml', '_rels/.rels']);
const OOXML_PART_FOLDERS: [string, AllowedType][] = [
  ['word/', TYPES.docx],
  ['xl/', TYPES.xlsx],
  ['ppt/', TYPES.pptx],
];

type ZipEntry = { name: string; method: number; data: Buffer };

function detectZipPackage(head: Buffer): Candidates | Refusal {
  const entries = readLocalEntries(head);
  const first = entries[0];
  if (first?.name === 'mimetype') {
    const type = first.method === ZIP_METHOD_STORED ? ODF_TYPES.get(first.data.toString('latin1')) : undefined;
    return type ? only(type) : refuse('file type not allowed');
  }
  const names = entries.map((entry) => entry.name);
  if (!names.some((name) => OPC_MARKER_ENTRIES.has(name))) return refuse('archives are not accepted');
  if (names.some((name) => name.endsWith('/vbaProject.bin'))) return refuse('macro-enabled documents are not accepted');
  const shown = names
    .map((name) => OOXML_PART_FOLDERS.find(([folder]) => name.startsWith(folder))?.[1])
    .find((type) => type !== undefined);
  return { candidates: OOXML_TYPES, shown };
}

/** Walks the local file headers inside the sniffed bytes; entry data is cut short where the window ends. */
function readLocalEntries(head: Buffer): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let offset = 0;
  while (startsWith(head, ZIP_LOCAL_HEADER, offset) && offset + ZIP_LOCAL_HEADER_BYTES <= head.length) {
    const flags = head.readUInt16LE(offset + 6);
    const method = head.readUInt16LE(offset + 8);
    const compressedSize = head.readUInt32LE(offset + 18);
    const nameStart = offset + ZIP_LOCAL_HEADER_BYTES;
    const nameEnd = nameStart + head.readUInt16LE(offset + 26);
    const dataStart = nameEnd + head.readUInt16LE(offset + 28);
    if (nameEnd > head.length) break;

    const name = head.toString(flags & ZIP_FLAG_UTF8_NAME ? 'utf8' : 'latin1', nameStart, nameEnd);
    const sizeKnown = (flags & ZIP_FLAG_DATA_DESCRIPTOR) === 0 && compressedSize !== ZIP64_SIZE_IN_EXTRA;
    const dataEnd = sizeKnown ? dataStart + compressedSize : dataStart;
    entries.push({ name, method, data: head.subarray(dataStart, dataEnd) });

    // Without a size in the header, the next entry can only be found by its signature.
    offset = sizeKnown ? dataEnd : head.indexOf(ZIP_LOCAL_HEADER, dataStart);
    if (offset < 0) break;
  }
  return entries;
}

// --- MP4 ---

const MP4_BRANDS = new Set([
  'isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1',
  'M4V ', 'M4VH', 'M4VP', 'dash', 'mmp4', 'MSNV', 'XAVC',
]);

/** An ftyp box whose major or compatible brands include a common MP4 brand (HEIF images and QuickTime do not). */
function isMp4(head: Buffer): boolean {
  if (head.length < 16 || head.toString('latin1', 4, 8) !== 'ftyp') return false;
  const boxEnd = Math.min(head.readUInt32BE(0), head.length);
  const brandOffsets = [8];
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) brandOffsets.push(offset);
  return brandOffsets.some((offset) => MP4_BRANDS.has(head.toString('latin1', offset, offset + 4)));
}

// --- Text (txt, md, csv, html) ---

const ALLOWED_CONTROL_CHARACTERS = new Set([0x09, 0x0a, 0x0c, 0x0d]);
const UTF8_BOM = bytes(0xef, 0xbb, 0xbf);

function detectText(head: Buffer): Candidates | undefined {
  if (head.includes(0)) return undefined;
  const charset = isUtf8(head) ? 'utf-8' : isPlausibleWindows1256(head) ? 'windows-1256' : undefined;
  if (!charset) return undefined;
  return { candidates: TEXT_TYPES, fallback: looksLikeHtml(head) ? TYPES.html : TYPES.txt, charset };
}

/** A multibyte character cut by the end of a full sniff window is still valid; at the end of a whole file it is not. */
function isUtf8(head: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: head.length >= SNIFF_BYTES });
    return true;
  } catch {
    return false;
  }
}

/** Every byte 0x80-0xFF is assigned in Windows-1256, so only control characters can rule it out. */
function isPlausibleWindows1256(head: Buffer): boolean {
  return head.every((byte) => byte >= 0x20 || ALLOWED_CONTROL_CHARACTERS.has(byte));
}

function looksLikeHtml(head: Buffer): boolean {
  const start = startsWith(head, UTF8_BOM) ? UTF8_BOM.length : 0;
  const opening = head.toString('latin1', start, start + 1024).trimStart().toLowerCase();
  return opening.startsWith('<!doctype html') || opening.startsWith('<html');
}

// --- Filenames ---

const MAX_FILENAME_CHARACTERS = 255;
const LONGEST_KEPT_EXTENSION = 16;
const DIRECTORY_SEPARATOR = /[/\\]/;
const CONTROL_AND_BIDI_OVERRIDE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The original filename as kept for display and Content-Disposition. */
export function safeFilename(original: string): string {
  const basename = original.split(DIRECTORY_SEPARATOR).at(-1) ?? '';
  const name = basename.replace(CONTROL_AND_BIDI_OVERRIDE, '').trim();
  const capped = capLength(name);
  return capped === '' || capped === '.' || capped === '..' ? 'file' : capped;
}

/** Counts code points, so a cut never splits a surrogate pair. */
function capLength(name: string): string {
  const characters = Array.from(name);
  if (characters.length <= MAX_FILENAME_CHARACTERS) return name;
  const dot = characters.lastIndexOf('.');
  const extension = dot > 0 && characters.length - dot <= LONGEST_KEPT_EXTENSION ? characters.slice(dot) : [];
  const stem = characters.slice(0, MAX_FILENAME_CHARACTERS - extension.length);
  return [...stem, ...extension].join('');
}
