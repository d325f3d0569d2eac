import { crc32, deflateRawSync } from 'node:zlib';

/** Builds small but well-formed ZIP files, and the OOXML and OpenDocument packages made of them, for tests. */

export type ZipFixtureEntry = { name: string; content: string | Buffer; deflate?: boolean };
export type ZipFixtureOptions = { dataDescriptors?: boolean };

const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8_NAME = 0x0800;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
const VERSION_NEEDED = 20;

export function zipFixture(entries: ZipFixtureEntry[], options: ZipFixtureOptions = {}): Buffer {
  const localParts: Buffer[] = [];
  const centralParts: Buffer[] = [];
  let offset = 0;

  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const content = typeof entry.content === 'string' ? Buffer.from(entry.content, 'utf8') : entry.content;
    const data = entry.deflate ? deflateRawSync(content) : content;
    const method = entry.deflate ? METHOD_DEFLATED : METHOD_STORED;
    const checksum = crc32(content);
    const flags = FLAG_UTF8_NAME | (options.dataDescriptors ? FLAG_DATA_DESCRIPTOR : 0);
    const sizesInHeader = !options.dataDescriptors;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(sizesInHeader ? checksum : 0, 14);
    local.writeUInt32LE(sizesInHeader ? data.length : 0, 18);
    local.writeUInt32LE(sizesInHeader ? content.length : 0, 22);
    local.writeUInt16LE(name.length, 26);
    const descriptor = Buffer.alloc(options.dataDescriptors ? 16 : 0);
    if (options.dataDescriptors) {
      descriptor.writeUInt32LE(DATA_DESCRIPTOR, 0);
      descriptor.writeUInt32LE(checksum, 4);
      descriptor.writeUInt32LE(data.length, 8);
      descriptor.writeUInt32LE(content.length, 12);
    }
    localParts.push(local, name, data, descriptor);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(VERSION_NEEDED, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centralParts.push(central, name);

    offset += local.length + name.length + data.length + descriptor.length;
  }

  const centralDirectory = Buffer.concat(centralParts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...localParts, centralDirectory, end]);
}

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_DOCUMENT_RELATIONSHIP =
  'http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument';
const OFFICE_RELATIONSHIPS_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export type OoxmlKind = 'docx' | 'xlsx' | 'pptx';

const OOXML_PARTS: Record<OoxmlKind, { main: string; mainContentType: string; parts: ZipFixtureEntry[] }> = {
  docx: {
    main: 'word/document.xml',
    mainContentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml',
    parts: [
      {
        name: 'word/document.xml',
        content:
          XML_DECLARATION +
          '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
          '<w:body><w:p><w:r><w:t>گزارش زلزله</w:t></w:r></w:p></w:body></w:document>',
      },
    ],
  },
  xlsx: {
    main: 'xl/workbook.xml',
    mainContentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml',
    parts: [
      {
        name: 'xl/workbook.xml',
        content:
          XML_DECLARATION +
          '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' +
          `xmlns:r="${OFFICE_RELATIONSHIPS_NS}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      },
      {
        name: 'xl/_rels/workbook.xml.rels',
        content:
          XML_DECLARATION +
          `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" ` +
          `Type="${OFFICE_RELATIONSHIPS_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      },
      {
        name: 'xl/worksheets/sheet1.xml',
        content:
          XML_DECLARATION +
          '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
          '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>تهران</t></is></c></row></sheetData></worksheet>',
      },
    ],
  },
  pptx: {
    main: 'ppt/presentation.xml',
    mainContentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
    parts: [
      {
        name: 'ppt/presentation.xml',
        content:
          XML_DECLARATION +
          '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" ' +
          `xmlns:r="${OFFICE_RELATIONSHIPS_NS}"><p:sldIdLst><p:sldId id="256" r:id="rId1"/></p:sldIdLst>` +
          '<p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>',
      },
      {
        name: 'ppt/_rels/presentation.xml.rels',
        content:
          XML_DECLARATION +
          `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" ` +
          `Type="${OFFICE_RELATIONSHIPS_NS}/slide" Target="slides/slide1.xml"/></Relationships>`,
      },
      {
        name: 'ppt/slides/slide1.xml',
        content:
          XML_DECLARATION +
          '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:cSld><p:spTree/></p:cSld></p:sld>',
      },
    ],
  },
};

/** A minimal Office Open XML package: content types, package relationships and the main part first, as Office writes them. */
export function ooxmlPackage(
  kind: OoxmlKind,
  options: ZipFixtureOptions & { deflate?: boolean; extraEntries?: ZipFixtureEntry[] } = {},
): Buffer {
  const { main, mainContentType, parts } = OOXML_PARTS[kind];
  const contentTypes =
    XML_DECLARATION +
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/${main}" ContentType="${mainContentType}"/></Types>`;
  const packageRelationships =
    XML_DECLARATION +
    `<Relationships xmlns="${PACKAGE_RELATIONSHIPS}">` +
    `<Relationship Id="rId1" Type="${OFFICE_DOCUMENT_RELATIONSHIP}" Target="${main}"/></Relationships>`;
  const entries = [
    { name: '[Content_Types].xml', content: contentTypes },
    { name: '_rels/.rels', content: packageRelationships },
    ...parts,
    ...(options.extraEntries ?? []),
  ];
  return zipFixture(
    entries.map((entry) => ({ ...entry, deflate: options.deflate })),
    options,
  );
}

export type OpenDocumentKind = 'text' | 'spreadsheet' | 'presentation';

/** A minimal OpenDocument package: an uncompressed `mimetype` entry first, as the ODF specification requires. */
export function openDocumentPackage(kind: OpenDocumentKind, mimetype = `application/vnd.oasis.opendocument.${kind}`): Buffer {
  const manifest =
    XML_DECLARATION +
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">' +
    `<manifest:file-entry manifest:full-path="/" manifest:media-type="${mimetype}"/>` +
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>';
  const content =
    XML_DECLARATION +
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.3">' +
    `<office:body><office:${kind}/></office:body></office:document-content>`;
  return zipFixture([
    { name: 'mimetype', content: mimetype },
    { name: 'META-INF/manifest.xml', content: manifest, deflate: true },
    { name: 'content.xml', content, deflate: true },
  ]);
}
