import { expect } from 'chai';
import { ALLOWED_TYPES, SNIFF_BYTES, safeFilename, sniffFileType, type SniffResult } from '../../server/documents/file-type';
import { ooxmlPackage, openDocumentPackage, zipFixture } from '../helpers/zip-fixture';

const MINIMAL_PDF = [
  '%PDF-1.4',
  '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
  '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj',
  '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj',
  'trailer << /Root 1 0 R >>',
  '%%EOF',
].join('\n');
const pdf = Buffer.from(MINIMAL_PDF, 'latin1');

const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const OLE_SECTOR = 512;

/** A version 3 compound file header; with a stream name, also its first directory sector (root entry + that stream). */
function oleFile(streamName?: string): Buffer {
  const file = Buffer.alloc(streamName ? 2 * OLE_SECTOR : OLE_SECTOR);
  Buffer.from(OLE_SIGNATURE).copy(file, 0);
  file.writeUInt16LE(0x3e, 0x18);
  file.writeUInt16LE(3, 0x1a);
  file.writeUInt16LE(0xfffe, 0x1c);
  file.writeUInt16LE(9, 0x1e);
  file.writeUInt16LE(6, 0x20);
  file.writeUInt32LE(0, 0x30);
  if (streamName) {
    writeOleDirectoryEntry(file, OLE_SECTOR, 'Root Entry', 5);
    writeOleDirectoryEntry(file, OLE_SECTOR + 128, streamName, 2);
  }
  return file;
}

function writeOleDirectoryEntry(file: Buffer, offset: number, name: string, objectType: number): void {
  const written = file.write(`${name}\0`, offset, 'utf16le');
  file.writeUInt16LE(written, offset + 0x40);
  file.writeUInt8(objectType, offset + 0x42);
}

const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...Buffer.from('JFIF\0', 'latin1'), 0x01, 0x01]);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from([0x00, 0x00, 0x00, 0x0d, ...Buffer.from('IHDR', 'latin1')]),
]);
const tiffLittleEndian = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
const tiffBigEndian = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08]);

function ftypBox(majorBrand: string, compatibleBrands: string[]): Buffer {
  const box = Buffer.alloc(16 + 4 * compatibleBrands.length);
  box.writeUInt32BE(box.length, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(majorBrand, 8, 'latin1');
  compatibleBrands.forEach((brand, i) => box.write(brand, 16 + 4 * i, 'latin1'));
  return box;
}

const persianText = Buffer.from('گزارش زلزلهٔ بم\r\nمی‌خواهیم درس‌ها را ثبت کنیم.\n', 'utf8');
const salamWindows1256 = Buffer.from([0xd3, 0xe1, 0xc7, 0xe3, 0x0d, 0x0a]);

/** Deterministic noise: a linear congruential generator, so a failure can be reproduced. */
function noise(length: number): Buffer {
  let state = 0x2545f491;
  return Buffer.from(Array.from({ length }, () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) >>> 24));
}

function expectAccepted(result: SniffResult, id: string, contentType: string, extension: string): void {
  expect(result, JSON.stringify(result)).to.deep.include({ ok: true, contentType, extension });
  if (result.ok) expect(result.type.id).to.equal(id);
}

function expectRefused(result: SniffResult, reason: string): void {
  expect(result).to.deep.equal({ ok: false, reason });
}

describe('file type sniffing', () => {
  it('buffers 64 KiB before deciding', () => {
    expect(SNIFF_BYTES).to.equal(65536);
  });

  it('lists the official content types', () => {
    const contentTypes = Object.fromEntries(ALLOWED_TYPES.map((type) => [type.id, type.contentType]));
    expect(contentTypes).to.deep.equal({
      pdf: 'application/pdf',
      doc: 'application/msword',
      xls: 'application/vnd.ms-excel',
      ppt: 'application/vnd.ms-powerpoint',
      docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      odt: 'application/vnd.oasis.opendocument.text',
      ods: 'application/vnd.oasis.opendocument.spreadsheet',
      odp: 'application/vnd.oasis.opendocument.presentation',
      txt: 'text/plain',
      md: 'text/markdown',
      csv: 'text/csv',
      html: 'text/html',
      jpeg: 'image/jpeg',
      png: 'image/png',
      tiff: 'image/tiff',
      mp4: 'video/mp4',
    });
  });

  describe('PDF', () => {
    it('accepts a PDF with a Persian name', () => {
      expectAccepted(sniffFileType(pdf, 'گزارش زلزله.pdf'), 'pdf', 'application/pdf', 'pdf');
    });

    it('takes the extension from the basename, lowercased', () => {
      expectAccepted(sniffFileType(pdf, 'C:\\گزارش‌ها\\v1.2\\Report.PDF'), 'pdf', 'application/pdf', 'pdf');
      expectAccepted(sniffFileType(pdf, '/tmp/a.docx/report.pdf'), 'pdf', 'application/pdf', 'pdf');
    });

    it('accepts a name without an extension and gives the canonical one', () => {
      expectAccepted(sniffFileType(pdf, 'report'), 'pdf', 'application/pdf', 'pdf');
    });

    it('refuses a PDF named .docx', () => {
      expectRefused(sniffFileType(pdf, 'report.docx'), 'content does not match the .docx extension');
    });

    it('refuses a PDF with an extension outside the allowlist', () => {
      expectRefused(sniffFileType(pdf, 'report.exe'), 'the .exe extension is not allowed');
    });
  });

  describe('OLE compound files (doc, xls, ppt)', () => {
    it('tells doc, xls and ppt apart by the claimed extension', () => {
      expectAccepted(sniffFileType(oleFile(), 'نامه.doc'), 'doc', 'application/msword', 'doc');
      expectAccepted(sniffFileType(oleFile(), 'budget.XLS'), 'xls', 'application/vnd.ms-excel', 'xls');
      expectAccepted(sniffFileType(oleFile(), 'slides.ppt'), 'ppt', 'application/vnd.ms-powerpoint', 'ppt');
    });

    it('refuses an OLE file named as another format', () => {
      expectRefused(sniffFileType(oleFile(), 'letter.docx'), 'content does not match the .docx extension');
      expectRefused(sniffFileType(oleFile(), 'letter.pdf'), 'content does not match the .pdf extension');
    });

    it('uses the directory stream names when they are inside the sniffed bytes', () => {
      expectAccepted(sniffFileType(oleFile('WordDocument'), 'letter'), 'doc', 'application/msword', 'doc');
      expectAccepted(sniffFileType(oleFile('Workbook'), 'budget'), 'xls', 'application/vnd.ms-excel', 'xls');
      expectAccepted(
        sniffFileType(oleFile('PowerPoint Document'), 'slides'),
        'ppt',
        'application/vnd.ms-powerpoint',
        'ppt',
      );
    });

    it('refuses an extension that contradicts the directory', () => {
      expectRefused(sniffFileType(oleFile('WordDocument'), 'budget.xls'), 'content does not match the .xls extension');
    });

    it('refuses a bare OLE header without an extension', () => {
      expectRefused(sniffFileType(oleFile(), 'letter'), 'cannot tell the document type without a file extension');
    });
  });

  describe('Office Open XML (docx, xlsx, pptx)', () => {
    it('recognises each format from its part folders', () => {
      expectAccepted(
        sniffFileType(ooxmlPackage('docx'), 'گزارش.docx'),
        'docx',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'docx',
      );
      expectAccepted(
        sniffFileType(ooxmlPackage('xlsx'), 'budget.xlsx'),
        'xlsx',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'xlsx',
      );
      expectAccepted(
        sniffFileType(ooxmlPackage('pptx'), 'slides.pptx'),
        'pptx',
        'application/vnd.openxmlformats-officedocument.presentationml.presentation',
        'pptx',
      );
    });

    it('needs no extension when the entries show the format', () => {
      const result = sniffFileType(ooxmlPackage('xlsx'), 'budget');
      expect(result.ok && result.type.id).to.equal('xlsx');
      expect(result.ok && result.extension).to.equal('xlsx');
    });

    it('walks compressed entries and entries with data descriptors', () => {
      expect(sniffFileType(ooxmlPackage('pptx', { deflate: true }), 'a.pptx')).to.include({ ok: true });
      const withDescriptors = ooxmlPackage('docx', { deflate: true, dataDescriptors: true });
      const result = sniffFileType(withDescriptors, 'a');
      expect(result.ok && result.type.id).to.equal('docx');
    });

    it('looks only at the sniffed bytes', () => {
      const bigMedia = { name: 'word/media/image1.png', content: noise(SNIFF_BYTES * 2) };
      const file = ooxmlPackage('docx', { extraEntries: [bigMedia] });
      const result = sniffFileType(file.subarray(0, SNIFF_BYTES), 'report.docx');
      expect(result.ok && result.type.id).to.equal('docx');
    });

    it('uses the claimed extension when the window shows no part folder', () => {
      const onlyMarkers = zipFixture([
        { name: '[Content_Types].xml', content: '<Types/>' },
        { name: '_rels/.rels', content: '<Relationships/>' },
      ]);
      expect(sniffFileType(onlyMarkers, 'a.pptx')).to.include({ ok: true, extension: 'pptx' });
      expectRefused(sniffFileType(onlyMarkers, 'a'), 'cannot tell the document type without a file extension');
    });

    it('refuses a package named as another format', () => {
      expectRefused(sniffFileType(ooxmlPackage('docx'), 'report.xlsx'), 'content does not match the .xlsx extension');
      expectRefused(sniffFileType(ooxmlPackage('docx'), 'report.doc'), 'content does not match the .doc extension');
    });

    it('refuses a macro-enabled document renamed .docx', () => {
      const macro = { name: 'word/vbaProject.bin', content: noise(64) };
      expectRefused(
        sniffFileType(ooxmlPackage('docx', { extraEntries: [macro] }), 'report.docx'),
        'macro-enabled documents are not accepted',
      );
    });
  });

  describe('OpenDocument (odt, ods, odp)', () => {
    it('reads the stored mimetype entry', () => {
      expectAccepted(
        sniffFileType(openDocumentPackage('text'), 'صورتجلسه.odt'),
        'odt',
        'application/vnd.oasis.opendocument.text',
        'odt',
      );
      expectAccepted(
        sniffFileType(openDocumentPackage('spreadsheet'), 'budget.ods'),
        'ods',
        'application/vnd.oasis.opendocument.spreadsheet',
        'ods',
      );
      expectAccepted(
        sniffFileType(openDocumentPackage('presentation'), 'slides'),
        'odp',
        'application/vnd.oasis.opendocument.presentation',
        'odp',
      );
    });

    it('refuses an OpenDocument file named as another format', () => {
      expectRefused(sniffFileType(openDocumentPackage('text'), 'minutes.docx'), 'content does not match the .docx extension');
      expectRefused(sniffFileType(openDocumentPackage('text'), 'minutes.ods'), 'content does not match the .ods extension');
    });

    it('refuses other mimetypes and a compressed mimetype entry', () => {
      expectRefused(sniffFileType(openDocumentPackage('text', 'application/epub+zip'), 'book.odt'), 'file type not allowed');
      const compressedMimetype = zipFixture([
        { name: 'mimetype', content: 'application/vnd.oasis.opendocument.text', deflate: true },
      ]);
      expectRefused(sniffFileType(compressedMimetype, 'minutes.odt'), 'file type not allowed');
    });
  });

  describe('images and video', () => {
    it('accepts JPEG as .jpg or .jpeg', () => {
      expectAccepted(sniffFileType(jpeg, 'عکس.jpg'), 'jpeg', 'image/jpeg', 'jpg');
      expectAccepted(sniffFileType(jpeg, 'photo.JPEG'), 'jpeg', 'image/jpeg', 'jpeg');
      expectAccepted(sniffFileType(jpeg, 'photo'), 'jpeg', 'image/jpeg', 'jpg');
    });

    it('accepts PNG', () => {
      expectAccepted(sniffFileType(png, 'map.png'), 'png', 'image/png', 'png');
      expectRefused(sniffFileType(png, 'map.jpg'), 'content does not match the .jpg extension');
    });

    it('accepts TIFF in both byte orders as .tif or .tiff', () => {
      expectAccepted(sniffFileType(tiffLittleEndian, 'scan.tif'), 'tiff', 'image/tiff', 'tif');
      expectAccepted(sniffFileType(tiffBigEndian, 'scan.tiff'), 'tiff', 'image/tiff', 'tiff');
    });

    it('accepts MP4 by its major or a compatible brand', () => {
      expectAccepted(sniffFileType(ftypBox('isom', ['isom', 'iso2', 'avc1', 'mp41']), 'drill.mp4'), 'mp4', 'video/mp4', 'mp4');
      expectAccepted(sniffFileType(ftypBox('mp42', []), 'drill'), 'mp4', 'video/mp4', 'mp4');
      expectAccepted(sniffFileType(ftypBox('XYZ1', ['mp42']), 'drill.mp4'), 'mp4', 'video/mp4', 'mp4');
    });

    it('refuses HEIF images and QuickTime movies', () => {
      expectRefused(sniffFileType(ftypBox('heic', ['mif1', 'heic']), 'photo.mp4'), 'file type not allowed');
      expectRefused(sniffFileType(ftypBox('qt  ', ['qt  ']), 'clip.mp4'), 'file type not allowed');
    });
  });

  describe('text', () => {
    it('accepts UTF-8 Persian text', () => {
      expectAccepted(sniffFileType(persianText, 'یادداشت.txt'), 'txt', 'text/plain; charset=utf-8', 'txt');
      expectAccepted(sniffFileType(persianText, 'notes'), 'txt', 'text/plain; charset=utf-8', 'txt');
    });

    it('accepts a UTF-8 byte order mark', () => {
      const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), persianText]);
      expectAccepted(sniffFileType(withBom, 'notes.txt'), 'txt', 'text/plain; charset=utf-8', 'txt');
    });

    it('takes markdown and CSV from the claimed extension', () => {
      expectAccepted(sniffFileType(persianText, 'README.md'), 'md', 'text/markdown; charset=utf-8', 'md');
      const csv = Buffer.from('شهر,جمعیت\nتهران,9000000\n', 'utf8');
      expectAccepted(sniffFileType(csv, 'cities.csv'), 'csv', 'text/csv; charset=utf-8', 'csv');
    });

    it('accepts Windows-1256 Persian text', () => {
      expectAccepted(sniffFileType(salamWindows1256, 'salam.txt'), 'txt', 'text/plain; charset=windows-1256', 'txt');
    });

    it('refuses legacy 8-bit text with control characters', () => {
      const withControl = Buffer.concat([salamWindows1256, Buffer.from([0x01, 0x1b])]);
      expectRefused(sniffFileType(withControl, 'salam.txt'), 'file type not allowed');
    });

    it('allows a multibyte character cut by the end of the sniff window', () => {
      const sin = Buffer.from('س', 'utf8');
      const window = Buffer.alloc(SNIFF_BYTES, 'a');
      sin.copy(window, SNIFF_BYTES - 1, 0, 1);
      expectAccepted(sniffFileType(window, 'long.txt'), 'txt', 'text/plain; charset=utf-8', 'txt');
    });

    it('does not treat a cut character at the end of a short file as UTF-8', () => {
      const cut = Buffer.concat([persianText, Buffer.from('س', 'utf8').subarray(0, 1)]);
      expectAccepted(sniffFileType(cut, 'notes.txt'), 'txt', 'text/plain; charset=windows-1256', 'txt');
    });

    it('recognises HTML without an extension and accepts .html and .htm', () => {
      const html = Buffer.from('\uFEFF  <!DOCTYPE html>\n<html lang="fa" dir="rtl"><body>سلام</body></html>', 'utf8');
      expectAccepted(sniffFileType(html, 'page'), 'html', 'text/html; charset=utf-8', 'html');
      expectAccepted(sniffFileType(html, 'page.htm'), 'html', 'text/html; charset=utf-8', 'htm');
      const bare = Buffer.from('<HTML><body>hi</body></HTML>', 'utf8');
      expectAccepted(sniffFileType(bare, 'page.html'), 'html', 'text/html; charset=utf-8', 'html');
    });

    it('serves HTML named .txt as plain text', () => {
      const html = Buffer.from('<html><script>alert(1)</script></html>', 'utf8');
      expectAccepted(sniffFileType(html, 'page.txt'), 'txt', 'text/plain; charset=utf-8', 'txt');
    });

    it('refuses text named as a binary format or with an unknown extension', () => {
      expectRefused(sniffFileType(persianText, 'notes.pdf'), 'content does not match the .pdf extension');
      expectRefused(sniffFileType(persianText, 'notes.js'), 'the .js extension is not allowed');
      expectRefused(sniffFileType(persianText, 'notes.svg'), 'the .svg extension is not allowed');
    });

    it('refuses text containing NUL bytes', () => {
      expectRefused(sniffFileType(Buffer.from('a\0b', 'latin1'), 'a.txt'), 'file type not allowed');
      const utf16 = Buffer.from('\uFEFFhello', 'utf16le');
      expectRefused(sniffFileType(utf16, 'a.txt'), 'file type not allowed');
    });
  });

  describe('refusals', () => {
    it('refuses an empty file', () => {
      expectRefused(sniffFileType(Buffer.alloc(0), 'empty.txt'), 'empty file');
    });

    it('refuses a Windows executable renamed .pdf', () => {
      const exe = Buffer.concat([Buffer.from('MZ', 'latin1'), Buffer.alloc(58), Buffer.from('PE\0\0', 'latin1')]);
      expectRefused(sniffFileType(exe, 'report.pdf'), 'executable files are not accepted');
    });

    it('refuses ELF and Mach-O executables', () => {
      const elf = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]);
      expectRefused(sniffFileType(elf, 'tool.txt'), 'executable files are not accepted');
      const machO = Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0x07, 0x00, 0x00, 0x01]);
      expectRefused(sniffFileType(machO, 'tool'), 'executable files are not accepted');
    });

    it('refuses shell scripts', () => {
      expectRefused(sniffFileType(Buffer.from('#!/bin/sh\nrm -rf /\n', 'utf8'), 'notes.txt'), 'scripts are not accepted');
    });

    it('refuses a plain ZIP named .docx', () => {
      const plain = zipFixture([{ name: 'readme.txt', content: 'hello' }, { name: 'word/x.xml', content: '<x/>' }]);
      expectRefused(sniffFileType(plain, 'report.docx'), 'archives are not accepted');
    });

    it('refuses RAR, 7z and gzip archives', () => {
      expectRefused(sniffFileType(Buffer.from('Rar!\x1a\x07\x01\x00', 'latin1'), 'a.pdf'), 'archives are not accepted');
      const sevenZip = Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00, 0x04]);
      expectRefused(sniffFileType(sevenZip, 'a.docx'), 'archives are not accepted');
      expectRefused(sniffFileType(Buffer.from([0x1f, 0x8b, 0x08, 0x00]), 'a.txt'), 'archives are not accepted');
    });

    it('refuses random binary data', () => {
      expectRefused(sniffFileType(noise(4096), 'data.pdf'), 'file type not allowed');
      expectRefused(sniffFileType(noise(4096), 'data'), 'file type not allowed');
    });
  });
});

describe('safeFilename', () => {
  it('strips directory parts written with / or \\', () => {
    expect(safeFilename('../../etc/passwd')).to.equal('passwd');
    expect(safeFilename('C:\\Users\\x\\گزارش.pdf')).to.equal('گزارش.pdf');
  });

  it('keeps Persian letters and the zero-width non-joiner exactly', () => {
    const name = 'درس‌آموخته‌های زلزلهٔ کرمانشاه.docx';
    expect(name).to.include('\u200c');
    expect(safeFilename(name)).to.equal(name);
  });

  it('removes bidi override controls', () => {
    expect(safeFilename('invoice\u202Efdp.exe')).to.equal('invoicefdp.exe');
    expect(safeFilename('\u2066report\u2069\u202A.pdf\u202C')).to.equal('report.pdf');
  });

  it('removes control characters and trims', () => {
    expect(safeFilename('  a\u0000b\nc\u007f\u0085.txt \t')).to.equal('abc.txt');
  });

  it('caps the length at 255 characters, keeping the extension', () => {
    const capped = safeFilename(`${'a'.repeat(400)}.pdf`);
    expect(capped).to.have.length(255);
    expect(capped.endsWith('.pdf')).to.equal(true);

    const persian = safeFilename(`${'گزارش'.repeat(80)}.docx`);
    expect(Array.from(persian)).to.have.length(255);
    expect(persian.endsWith('.docx')).to.equal(true);
  });

  it('never cuts a surrogate pair', () => {
    const capped = safeFilename('😀'.repeat(300));
    expect(Array.from(capped)).to.have.length(255);
    expect(capped).to.equal('😀'.repeat(255));
  });

  it('never returns an empty name, "." or ".."', () => {
    expect(safeFilename('')).to.equal('file');
    expect(safeFilename('   ')).to.equal('file');
    expect(safeFilename('uploads/')).to.equal('file');
    expect(safeFilename('.')).to.equal('file');
    expect(safeFilename('..')).to.equal('file');
    expect(safeFilename('a/..')).to.equal('file');
    expect(safeFilename('\u202E..\u0000')).to.equal('file');
  });
});
