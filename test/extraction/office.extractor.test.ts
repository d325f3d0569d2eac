import { expect } from 'chai';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { extractText, ExtractionError } from '../../server/extraction/extract';
import { zipFixture, type ZipFixtureEntry } from '../helpers/zip-fixture';
import { fold, ScratchDir } from './extraction-helpers';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
const ODT = 'application/vnd.oasis.opendocument.text';
const ODS = 'application/vnd.oasis.opendocument.spreadsheet';
const ODP = 'application/vnd.oasis.opendocument.presentation';

const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const RELS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const OFFICE_RELS_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const SHEET_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const ZWNJ = '\u200C';

async function expectFailure(promise: Promise<unknown>, reason: string): Promise<ExtractionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ExtractionError);
    expect((error as ExtractionError).reason, (error as Error).message).to.equal(reason);
    return error as ExtractionError;
  }
  expect.fail(`expected an ExtractionError (${reason})`);
}

function relationships(items: { id: string; type: string; target: string }[]): string {
  return (
    XML +
    `<Relationships xmlns="${RELS_NS}">` +
    items.map((item) => `<Relationship Id="${item.id}" Type="${OFFICE_RELS_NS}/${item.type}" Target="${item.target}"/>`).join('') +
    '</Relationships>'
  );
}

const CONTENT_TYPES = XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>';

/** Two sheets (the second listed first in the workbook, to prove workbook order wins), shared and inline strings. */
function xlsxEntries(sharedStrings: ZipFixtureEntry = { name: 'xl/sharedStrings.xml', content: sharedStringsXml(), deflate: true }): ZipFixtureEntry[] {
  return [
    { name: '[Content_Types].xml', content: CONTENT_TYPES },
    { name: '_rels/.rels', content: relationships([{ id: 'rId1', type: 'officeDocument', target: 'xl/workbook.xml' }]) },
    {
      name: 'xl/workbook.xml',
      content:
        XML +
        `<workbook xmlns="${SHEET_NS}" xmlns:r="${OFFICE_RELS_NS}"><sheets>` +
        '<sheet name="خلاصه" sheetId="1" r:id="rId2"/><sheet name="جزئیات" sheetId="2" r:id="rId1"/></sheets></workbook>',
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      content: relationships([
        { id: 'rId1', type: 'worksheet', target: 'worksheets/sheet1.xml' },
        { id: 'rId2', type: 'worksheet', target: '/xl/worksheets/sheet2.xml' },
        { id: 'rId3', type: 'sharedStrings', target: 'sharedStrings.xml' },
      ]),
    },
    sharedStrings,
    {
      name: 'xl/worksheets/sheet1.xml',
      content:
        XML +
        `<worksheet xmlns="${SHEET_NS}"><sheetData>` +
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
        '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>1391</v></c><c r="C2"><f>B2*2</f><v>2782</v></c></row>' +
        '</sheetData></worksheet>',
      deflate: true,
    },
    {
      name: 'xl/worksheets/sheet2.xml',
      content:
        XML +
        `<worksheet xmlns="${SHEET_NS}"><sheetData>` +
        '<row r="1"><c r="A1" t="inlineStr"><is><t>خلاصهٔ خسارت سیل</t></is></c><c r="B1" t="b"><v>1</v></c></row>' +
        '</sheetData></worksheet>',
    },
  ];
}

function sharedStringsXml(): string {
  return (
    XML +
    `<sst xmlns="${SHEET_NS}" count="3" uniqueCount="3">` +
    '<si><t>شهر</t></si>' +
    `<si><r><t>کلان${ZWNJ}</t></r><r><t>شهر تهران</t></r><rPh><t>phonetic-not-wanted</t></rPh></si>` +
    '<si><t xml:space="preserve">زلزله &amp; سیل</t></si>' +
    '</sst>'
  );
}

describe('Office document extraction', function () {
  this.timeout(60_000);
  let scratch: ScratchDir;

  before(async () => {
    scratch = await ScratchDir.create();
  });
  after(async () => scratch.remove());

  it('reads a DOCX with mammoth, keeping ZWNJ and paragraphs', async () => {
    const document = new Document({
      sections: [
        {
          children: [
            new Paragraph({ bidirectional: true, children: [new TextRun({ text: `گزارش زلزله در کلان${ZWNJ}شهر تهران`, rightToLeft: true })] }),
            new Paragraph({ bidirectional: true, children: [new TextRun({ text: `درس${ZWNJ}ها و تجربه${ZWNJ}های مدیریت بحران`, rightToLeft: true })] }),
            new Paragraph({ children: [new TextRun('Lessons learned, 1391')] }),
          ],
        },
      ],
    });
    const path = await scratch.write('report.docx', await Packer.toBuffer(document));
    const result = await extractText({ path, contentType: DOCX, filename: 'report.docx' });
    expect(result.method).to.equal('mammoth');
    expect(result.warnings).to.deep.equal([]);
    expect(result.pages).to.have.length(1);
    const text = result.pages[0]!.text;
    expect(text).to.include(`کلان${ZWNJ}شهر تهران`);
    expect(text).to.include(`تجربه${ZWNJ}های مدیریت بحران`);
    expect(text.split('\n\n')).to.have.length(3);
    expect(text).to.include('Lessons learned, 1391');
  });

  it('cuts a long DOCX into pages of about 3,000 characters at paragraph boundaries', async () => {
    const paragraph = 'آمادگی شهروندان در برابر زلزله و سیل اهمیت زیادی دارد. '.repeat(8).trim();
    const document = new Document({
      sections: [{ children: Array.from({ length: 40 }, (_, i) => new Paragraph({ children: [new TextRun(`${i + 1}. ${paragraph}`)] })) }],
    });
    const path = await scratch.write('long.docx', await Packer.toBuffer(document));
    const result = await extractText({ path, contentType: DOCX, filename: 'long.docx' });
    expect(result.pages.length).to.be.greaterThan(4);
    for (const page of result.pages) {
      expect(page.text.length).to.be.at.most(3_000);
      expect(page.text).to.match(/^\d+\. /); // starts at a paragraph
    }
    expect(result.pages.map((page) => page.page)).to.deep.equal(result.pages.map((_, i) => i + 1));
  });

  it('reads an XLSX one page per sheet, in workbook order, with shared and inline strings', async () => {
    const path = await scratch.write('data.xlsx', zipFixture(xlsxEntries()));
    const result = await extractText({ path, contentType: XLSX, filename: 'data.xlsx' });
    expect(result.method).to.equal('xlsx-xml');
    expect(result.warnings).to.deep.equal([]);
    expect(result.pages).to.deep.equal([
      { page: 1, text: 'خلاصه\nخلاصهٔ خسارت سیل\tTRUE' },
      { page: 2, text: `جزئیات\nشهر\tکلان${ZWNJ}شهر تهران\nزلزله & سیل\t1391\t2782` },
    ]);
  });

  it('reads the worksheets of an XLSX without a workbook in the order of their numbers, named by position', async () => {
    const withoutWorkbook = xlsxEntries().filter((entry) => !entry.name.startsWith('xl/workbook.xml') && !entry.name.startsWith('xl/_rels/'));
    const tenth = {
      name: 'xl/worksheets/sheet10.xml',
      content: XML + `<worksheet xmlns="${SHEET_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>برگ دهم</t></is></c></row></sheetData></worksheet>`,
    };
    const path = await scratch.write('loose.xlsx', zipFixture([...withoutWorkbook.slice(0, -1), tenth, withoutWorkbook.at(-1)!]));
    const result = await extractText({ path, contentType: XLSX, filename: 'loose.xlsx' });
    expect(result.pages).to.deep.equal([
      { page: 1, text: `Sheet 1\nشهر\tکلان${ZWNJ}شهر تهران\nزلزله & سیل\t1391\t2782` },
      { page: 2, text: 'Sheet 2\nخلاصهٔ خسارت سیل\tTRUE' },
      { page: 3, text: 'Sheet 3\nبرگ دهم' },
    ]);
  });

  it('reads a PPTX one page per slide, in presentation order, with speaker notes', async () => {
    const slide = (paragraphs: string[]) =>
      XML +
      '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">' +
      '<p:cSld><p:spTree><p:sp><p:txBody>' +
      paragraphs.map((text) => `<a:p>${text.split('|').map((run) => `<a:r><a:t>${run}</a:t></a:r>`).join('')}</a:p>`).join('') +
      '</p:txBody></p:sp></p:spTree></p:cSld></p:sld>';
    const path = await scratch.write(
      'deck.pptx',
      zipFixture([
        { name: '[Content_Types].xml', content: CONTENT_TYPES },
        { name: '_rels/.rels', content: relationships([{ id: 'rId1', type: 'officeDocument', target: 'ppt/presentation.xml' }]) },
        {
          name: 'ppt/presentation.xml',
          content:
            XML +
            `<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="${OFFICE_RELS_NS}">` +
            '<p:sldIdLst><p:sldId id="256" r:id="rId7"/><p:sldId id="257" r:id="rId3"/></p:sldIdLst></p:presentation>',
        },
        {
          name: 'ppt/_rels/presentation.xml.rels',
          content: relationships([
            { id: 'rId3', type: 'slide', target: 'slides/slide1.xml' },
            { id: 'rId7', type: 'slide', target: 'slides/slide2.xml' },
          ]),
        },
        { name: 'ppt/slides/slide1.xml', content: slide(['آموزش همگانی', 'زلزله|، سیل و |آتش‌سوزی']), deflate: true },
        { name: 'ppt/slides/slide2.xml', content: slide([`کلان${ZWNJ}شهر تهران`]) },
        { name: 'ppt/slides/_rels/slide2.xml.rels', content: relationships([{ id: 'rId1', type: 'notesSlide', target: '../notesSlides/notesSlide1.xml' }]) },
        { name: 'ppt/notesSlides/notesSlide1.xml', content: slide(['یادداشت سخنران']) },
      ]),
    );
    const result = await extractText({ path, contentType: PPTX, filename: 'deck.pptx' });
    expect(result.method).to.equal('pptx-xml');
    expect(result.pages).to.deep.equal([
      { page: 1, text: `کلان${ZWNJ}شهر تهران\n\nیادداشت سخنران` },
      { page: 2, text: 'آموزش همگانی\nزلزله، سیل و آتش‌سوزی' },
    ]);
  });

  describe('OpenDocument', () => {
    const NAMESPACES =
      'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ' +
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" ' +
      'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"';

    function odf(kind: 'text' | 'spreadsheet' | 'presentation', body: string): Buffer {
      const mimetype = `application/vnd.oasis.opendocument.${kind}`;
      return zipFixture([
        { name: 'mimetype', content: mimetype },
        {
          name: 'META-INF/manifest.xml',
          content: XML + `<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="${mimetype}"/></manifest:manifest>`,
          deflate: true,
        },
        { name: 'content.xml', content: XML + `<office:document-content ${NAMESPACES}><office:body><office:${kind}>${body}</office:${kind}></office:body></office:document-content>`, deflate: true },
      ]);
    }

    it('reads an ODT as flowing text, with spaces, tabs and line breaks, without deleted text', async () => {
      const body =
        '<text:sequence-decls><text:sequence-decl text:name="Figure"/></text:sequence-decls>' +
        '<text:h text:outline-level="1">گزارش زلزله</text:h>' +
        `<text:p>کلان${ZWNJ}شهر<text:s/>تهران<text:s text:c="3"/>۱۳۹۱<text:tab/>مشهد<text:line-break/>اصفهان</text:p>` +
        '<text:tracked-changes><text:changed-region><text:deletion><text:p>متن حذف‌شده</text:p></text:deletion></text:changed-region></text:tracked-changes>' +
        '<text:p>پانویس<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>توضیح</text:p></text:note-body></text:note></text:p>';
      const path = await scratch.write('report.odt', odf('text', body));
      const result = await extractText({ path, contentType: ODT, filename: 'report.odt' });
      expect(result.method).to.equal('odf-xml');
      expect(result.pages).to.deep.equal([
        { page: 1, text: `گزارش زلزله\n\nکلان${ZWNJ}شهر تهران   ۱۳۹۱\tمشهد\nاصفهان\n\nپانویس1 توضیح` },
      ]);
    });

    it('reads an ODS one page per sheet', async () => {
      const row = (cells: string[]) => `<table:table-row>${cells.map((cell) => `<table:table-cell><text:p>${cell}</text:p></table:table-cell>`).join('')}</table:table-row>`;
      const body =
        `<table:table table:name="زلزله">${row(['شهر', 'خسارت'])}${row(['تهران', '۱۲۰'])}<table:table-row><table:table-cell table:number-columns-repeated="16384"/></table:table-row></table:table>` +
        `<table:table table:name="سیل">${row(['مشهد', '۴۰'])}</table:table>`;
      const path = await scratch.write('data.ods', odf('spreadsheet', body));
      const result = await extractText({ path, contentType: ODS, filename: 'data.ods' });
      expect(result.pages).to.deep.equal([
        { page: 1, text: 'زلزله\nشهر\tخسارت\nتهران\t۱۲۰' },
        { page: 2, text: 'سیل\nمشهد\t۴۰' },
      ]);
    });

    it('reads an ODP one page per slide, with notes, without drawing titles', async () => {
      const page = (name: string, texts: string[]) =>
        `<draw:page draw:name="${name}"><draw:frame><svg:title>عنوان تصویر</svg:title><draw:text-box>${texts.map((text) => `<text:p>${text}</text:p>`).join('')}</draw:text-box></draw:frame>` +
        `<presentation:notes><draw:frame><draw:text-box><text:p>یادداشت ${name}</text:p></draw:text-box></draw:frame></presentation:notes></draw:page>`;
      const path = await scratch.write('deck.odp', odf('presentation', page('۱', ['آموزش همگانی', 'زلزله']) + page('۲', ['کلان‌شهر تهران'])));
      const result = await extractText({ path, contentType: ODP, filename: 'deck.odp' });
      expect(result.pages).to.deep.equal([
        { page: 1, text: 'آموزش همگانی\nزلزله\nیادداشت ۱' },
        { page: 2, text: 'کلان‌شهر تهران\nیادداشت ۲' },
      ]);
    });
  });

  describe('hostile packages', () => {
    it('refuses an XLSX whose shared strings would inflate a thousandfold (zip bomb)', async () => {
      const bomb = Buffer.concat([Buffer.from(`${XML}<sst xmlns="${SHEET_NS}"><si><t>`), Buffer.alloc(40 * 1024 * 1024, 'A'), Buffer.from('</t></si></sst>')]);
      const path = await scratch.write('bomb.xlsx', zipFixture(xlsxEntries({ name: 'xl/sharedStrings.xml', content: bomb, deflate: true })));
      const started = Date.now();
      const error = await expectFailure(extractText({ path, contentType: XLSX, filename: 'bomb.xlsx' }), 'archive limits exceeded');
      expect(error.message).to.match(/sharedStrings\.xml would inflate \d+ times/);
      expect(Date.now() - started).to.be.below(10_000);
    });

    it('stops an entry that inflates past the size it declares', async () => {
      const big = Buffer.concat([Buffer.from(`${XML}<sst xmlns="${SHEET_NS}"><si><t>`), Buffer.alloc(8 * 1024 * 1024, 'B'), Buffer.from('</t></si></sst>')]);
      const zip = zipFixture(xlsxEntries({ name: 'xl/sharedStrings.xml', content: big, deflate: true }));
      const path = await scratch.write('liar.xlsx', declareUncompressedSize(zip, 'xl/sharedStrings.xml', 1000));
      const error = await expectFailure(extractText({ path, contentType: XLSX, filename: 'liar.xlsx' }), 'corrupt archive');
      expect(error.message).to.match(/sharedStrings\.xml/);
    });

    it('refuses a package with too many entries', async () => {
      const entries = Array.from({ length: 10_001 }, (_, i) => ({ name: `xl/media/${i}.bin`, content: '' }));
      const path = await scratch.write('many.xlsx', zipFixture([...xlsxEntries(), ...entries]));
      await expectFailure(extractText({ path, contentType: XLSX, filename: 'many.xlsx' }), 'archive limits exceeded');
    });

    it('refuses a DOCX whose document part is a zip bomb before mammoth inflates it', async () => {
      const bomb = Buffer.concat([Buffer.from(`${XML}<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>`), Buffer.alloc(40 * 1024 * 1024, 'A'), Buffer.from('</w:t></w:r></w:p></w:body></w:document>')]);
      const path = await scratch.write('bomb.docx', zipFixture([{ name: '[Content_Types].xml', content: CONTENT_TYPES }, { name: 'word/document.xml', content: bomb, deflate: true }]));
      await expectFailure(extractText({ path, contentType: DOCX, filename: 'bomb.docx' }), 'archive limits exceeded');
    });

    it('ignores entity definitions in a DOCTYPE ("billion laughs")', async () => {
      const laughs =
        XML +
        '<!DOCTYPE sst [<!ENTITY a "hahahahahahahahahaha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>' +
        `<sst xmlns="${SHEET_NS}"><si><t>&d;</t></si><si><t>امن</t></si><si><t>زلزله</t></si></sst>`;
      const path = await scratch.write('laughs.xlsx', zipFixture(xlsxEntries({ name: 'xl/sharedStrings.xml', content: laughs })));
      const result = await extractText({ path, contentType: XLSX, filename: 'laughs.xlsx' });
      expect(result.pages.map((page) => page.text).join('\n')).not.to.include('haha');
      expect(fold(result.pages[1]!.text)).to.include('زلزله');
    });

    it('refuses a file that is not a ZIP package', async () => {
      const path = await scratch.write('fake.docx', Buffer.from('PK\u0003\u0004 not really a zip'));
      await expectFailure(extractText({ path, contentType: DOCX, filename: 'fake.docx' }), 'corrupt archive');
    });
  });
});

/** Rewrites the uncompressed size an entry declares, in its local header and in the central directory. */
function declareUncompressedSize(zip: Buffer, name: string, size: number): Buffer {
  const copy = Buffer.from(zip);
  const nameBytes = Buffer.from(name, 'utf8');
  for (let offset = 0; offset < copy.length - 4; offset++) {
    const signature = copy.readUInt32LE(offset);
    if (signature === 0x04034b50 && copy.subarray(offset + 30, offset + 30 + nameBytes.length).equals(nameBytes)) copy.writeUInt32LE(size, offset + 22);
    if (signature === 0x02014b50 && copy.subarray(offset + 46, offset + 46 + nameBytes.length).equals(nameBytes)) copy.writeUInt32LE(size, offset + 24);
  }
  return copy;
}
