import type { ExtractionContext, Extractor } from './extraction-context';
import { paginate } from './page-collector';
import { readXml, type XmlElement } from './xml-stream';
import { ZipArchive } from './zip-archive';

/**
 * OpenDocument, from content.xml streamed: ODT as flowing text (pages of about 3,000 characters at paragraph
 * boundaries, like DOCX: a short document is one page), ODS one page per table (sheet), ODP one per draw:page.
 */

const TEXT = 'urn:oasis:names:tc:opendocument:xmlns:text:1.0';
const TABLE = 'urn:oasis:names:tc:opendocument:xmlns:table:1.0';
const DRAW = 'urn:oasis:names:tc:opendocument:xmlns:drawing:1.0';
const SVG = 'urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0';

type Unit = 'document' | 'table' | 'draw-page';
type Section = { name: string; blocks: string[] };

export const extractOdt: Extractor = async (input, context) => {
  const [document] = await readContent(input.path, 'document', context);
  paginate(document?.blocks.join('\n\n') ?? '').forEach((text, index) => context.collector.add(index + 1, text));
  return 'odf-xml';
};

export const extractOds: Extractor = async (input, context) => {
  const tables = await readContent(input.path, 'table', context);
  tables.forEach((table, index) => context.collector.add(index + 1, [table.name, ...table.blocks].filter(Boolean).join('\n')));
  return 'odf-xml';
};

export const extractOdp: Extractor = async (input, context) => {
  const pages = await readContent(input.path, 'draw-page', context);
  pages.forEach((page, index) => context.collector.add(index + 1, page.blocks.join('\n')));
  return 'odf-xml';
};

/**
 * Paragraphs (text:p, text:h) become blocks; in spreadsheets the paragraphs of a cell are joined and the cells
 * of a row become one tab-separated block. text:s, text:tab and text:line-break become white space. Deleted
 * text kept for change tracking and the titles and descriptions of drawings are left out.
 */
async function readContent(path: string, unit: Unit, context: ExtractionContext): Promise<Section[]> {
  const archive = await ZipArchive.open(path);
  try {
    const sections: Section[] = unit === 'document' ? [{ name: '', blocks: [] }] : [];
    let section: Section | undefined = sections[0];
    let paragraph = '';
    let paragraphDepth = 0;
    let skipDepth = 0;
    let cell: string[] | undefined;
    let row: string[] | undefined;
    let chars = 0;
    const budget = context.collector.charsLeft;

    const isSectionStart = (element: XmlElement) =>
      (unit === 'table' && element.uri === TABLE && element.local === 'table' && !row) ||
      (unit === 'draw-page' && element.uri === DRAW && element.local === 'page');
    const pushBlock = (block: string) => {
      if (!block.trim()) return;
      chars += block.length;
      if (cell) cell.push(block.trim());
      else section?.blocks.push(block.trim());
    };

    const outcome = await readXml(
      await archive.stream('content.xml'),
      'content.xml',
      {
        open(element) {
          if (skipDepth > 0 || isSkipped(element)) {
            skipDepth++;
            return;
          }
          if (isSectionStart(element)) {
            const name = element.attribute('name', TABLE) ?? element.attribute('name', DRAW) ?? '';
            section = { name, blocks: [] };
            sections.push(section);
            return;
          }
          if (element.uri === TABLE && element.local === 'table-row' && unit === 'table') row = [];
          else if (element.uri === TABLE && element.local === 'table-cell' && row) cell = [];
          else if (element.uri === TEXT && (element.local === 'p' || element.local === 'h')) {
            if (paragraphDepth === 0) paragraph = '';
            else paragraph += ' ';
            paragraphDepth++;
          } else if (paragraphDepth > 0 && element.uri === TEXT) {
            if (element.local === 's') paragraph += ' '.repeat(Math.min(Number(element.attribute('c', TEXT) ?? 1) || 1, 100));
            else if (element.local === 'tab') paragraph += '\t';
            else if (element.local === 'line-break') paragraph += '\n';
          }
        },
        close(element) {
          if (skipDepth > 0) {
            skipDepth--;
            return;
          }
          if (element.uri === TEXT && (element.local === 'p' || element.local === 'h')) {
            paragraphDepth--;
            if (paragraphDepth === 0) pushBlock(paragraph);
          } else if (element.uri === TABLE && element.local === 'table-cell' && row && cell) {
            if (cell.length) row.push(cell.join(' '));
            cell = undefined;
          } else if (element.uri === TABLE && element.local === 'table-row' && row) {
            const line = row.join('\t');
            row = undefined;
            pushBlock(line);
          }
        },
        text(text) {
          if (skipDepth === 0 && paragraphDepth > 0) paragraph += text;
        },
      },
      () => chars > budget,
    );
    if (outcome.stopped) context.warn(`text truncated at ${context.limits.maxChars} characters (limit)`);
    if (outcome.malformed) context.warn('malformed XML in content.xml; read as far as possible');
    return sections;
  } finally {
    archive.close();
  }
}

function isSkipped(element: XmlElement): boolean {
  return (
    (element.uri === TEXT && (element.local === 'tracked-changes' || element.local === 'sequence-decls')) ||
    (element.uri === SVG && (element.local === 'title' || element.local === 'desc'))
  );
}
