import type { ExtractionContext, Extractor } from './extraction-context';
import { listedParts } from './ooxml';
import { readXml } from './xml-stream';
import { ZipArchive } from './zip-archive';

/**
 * XLSX: one page per worksheet, in workbook order, starting with the sheet's name; cells of a row joined by
 * tabs, rows by new lines. Shared strings are read first (streamed); they are the only part held in memory,
 * and they count against the character limit.
 */

const SHEET_NAMESPACE = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

export const extractXlsx: Extractor = async (input, context) => {
  const archive = await ZipArchive.open(input.path);
  try {
    const sheets = await listSheets(archive);
    const strings = await readSharedStrings(archive, context);
    let number = 0;
    for (const sheet of sheets) {
      number++;
      if (context.collector.full) {
        context.collector.skip(sheets.length - number + 1);
        break;
      }
      if (!archive.has(sheet.part)) {
        context.warn(`sheet «${sheet.name}» is missing from the package`);
        continue;
      }
      const rows = await readSheet(archive, sheet.part, strings, context);
      context.collector.add(number, [sheet.name, ...rows].join('\n').trim());
    }
    return 'xlsx-xml';
  } finally {
    archive.close();
  }
};

type SheetRef = { name: string; part: string };

async function listSheets(archive: ZipArchive): Promise<SheetRef[]> {
  const sheets = await listedParts(archive, { folder: 'xl', part: 'workbook.xml', element: 'sheet', fallback: /^xl\/worksheets\/sheet\d+\.xml$/i });
  return sheets.map(({ part, name }, index) => ({ part, name: name ?? `Sheet ${index + 1}` }));
}

async function readSharedStrings(archive: ZipArchive, context: ExtractionContext): Promise<string[]> {
  const part = 'xl/sharedStrings.xml';
  if (!archive.has(part)) return [];
  const strings: string[] = [];
  let current = '';
  let chars = 0;
  let depthInPhonetic = 0;
  let inText = false;
  const outcome = await readXml(
    await archive.stream(part),
    part,
    {
      open(element) {
        if (element.uri !== SHEET_NAMESPACE) return;
        if (element.local === 'si') current = '';
        else if (element.local === 'rPh') depthInPhonetic++;
        else if (element.local === 't' && depthInPhonetic === 0) inText = true;
      },
      close(element) {
        if (element.uri !== SHEET_NAMESPACE) return;
        if (element.local === 'si') {
          strings.push(current);
          chars += current.length;
        } else if (element.local === 'rPh') depthInPhonetic--;
        else if (element.local === 't') inText = false;
      },
      text(text) {
        if (inText) current += text;
      },
    },
    () => chars > context.limits.maxChars,
  );
  if (outcome.stopped) context.warn(`shared strings cut at ${context.limits.maxChars} characters (limit): later cells may be empty`);
  if (outcome.malformed) context.warn('malformed XML in shared strings; read as far as possible');
  return strings;
}

async function readSheet(archive: ZipArchive, part: string, strings: string[], context: ExtractionContext): Promise<string[]> {
  const rows: string[] = [];
  let cells: string[] = [];
  let type = '';
  let value = '';
  let inValue = false;
  let chars = 0;
  const budget = context.collector.charsLeft;
  const outcome = await readXml(
    await archive.stream(part),
    part,
    {
      open(element) {
        if (element.uri !== SHEET_NAMESPACE) return;
        if (element.local === 'row') cells = [];
        else if (element.local === 'c') {
          type = element.attribute('t') ?? 'n';
          value = '';
        } else if (element.local === 'v' || element.local === 't') inValue = true;
      },
      close(element) {
        if (element.uri !== SHEET_NAMESPACE) return;
        if (element.local === 'v' || element.local === 't') inValue = false;
        else if (element.local === 'c') {
          const text = cellText(type, value.trim(), strings);
          if (text) cells.push(text);
        } else if (element.local === 'row' && cells.length) {
          const line = cells.join('\t');
          rows.push(line);
          chars += line.length + 1;
        }
      },
      text(text) {
        if (inValue) value += text;
      },
    },
    () => chars > budget,
  );
  if (outcome.malformed) context.warn(`malformed XML in ${part}; read as far as possible`);
  return rows;
}

function cellText(type: string, value: string, strings: string[]): string {
  switch (type) {
    case 's':
      return strings[Number(value)] ?? '';
    case 'b':
      return value === '1' ? 'TRUE' : value === '0' ? 'FALSE' : value;
    case 'e':
      return '';
    default:
      return value;
  }
}
