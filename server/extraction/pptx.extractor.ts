import type { ExtractionContext, Extractor } from './extraction-context';
import { listedParts } from './ooxml';
import { parseRelationships, readXml } from './xml-stream';
import { resolvePartName, ZipArchive } from './zip-archive';

/** PPTX: one page per slide, in presentation order: the slide's text runs (a:t) by paragraph, then its speaker notes. */

const DRAWING_NAMESPACE = 'http://schemas.openxmlformats.org/drawingml/2006/main';
const NOTES_RELATIONSHIP = /\/notesSlide$/;

export const extractPptx: Extractor = async (input, context) => {
  const archive = await ZipArchive.open(input.path);
  try {
    const slides = await listSlides(archive);
    let number = 0;
    for (const slide of slides) {
      number++;
      if (context.collector.full) {
        context.collector.skip(slides.length - number + 1);
        break;
      }
      if (!archive.has(slide)) {
        context.warn(`slide ${number} is missing from the package`);
        context.collector.add(number, '');
        continue;
      }
      const text = await readParagraphs(archive, slide, context);
      const notesPart = await notesOf(archive, slide);
      const notes = notesPart && archive.has(notesPart) ? await readParagraphs(archive, notesPart, context) : '';
      context.collector.add(number, [text, notes].filter(Boolean).join('\n\n'));
    }
    return 'pptx-xml';
  } finally {
    archive.close();
  }
};

async function listSlides(archive: ZipArchive): Promise<string[]> {
  const slides = await listedParts(archive, { folder: 'ppt', part: 'presentation.xml', element: 'sldId', fallback: /^ppt\/slides\/slide\d+\.xml$/i });
  return slides.map(({ part }) => part);
}

async function notesOf(archive: ZipArchive, slide: string): Promise<string | undefined> {
  const folder = slide.slice(0, slide.lastIndexOf('/'));
  const file = slide.slice(slide.lastIndexOf('/') + 1);
  const relationships = parseRelationships(await archive.text(`${folder}/_rels/${file}.rels`));
  for (const { target, type } of relationships.values()) {
    if (NOTES_RELATIONSHIP.test(type)) return resolvePartName(folder, target);
  }
  return undefined;
}

/** DrawingML paragraphs (a:p) of one part; a:br is a line break, a:tab a tab. */
export async function readParagraphs(archive: ZipArchive, part: string, context: ExtractionContext): Promise<string> {
  const paragraphs: string[] = [];
  let current = '';
  let inText = false;
  let chars = 0;
  const budget = context.collector.charsLeft;
  const outcome = await readXml(
    await archive.stream(part),
    part,
    {
      open(element) {
        if (element.uri !== DRAWING_NAMESPACE) return;
        if (element.local === 'p') current = '';
        else if (element.local === 't') inText = true;
        else if (element.local === 'br') current += '\n';
        else if (element.local === 'tab') current += '\t';
      },
      close(element) {
        if (element.uri !== DRAWING_NAMESPACE) return;
        if (element.local === 't') inText = false;
        else if (element.local === 'p' && current.trim()) {
          paragraphs.push(current.trim());
          chars += current.length;
        }
      },
      text(text) {
        if (inText) current += text;
      },
    },
    () => chars > budget,
  );
  if (outcome.malformed) context.warn(`malformed XML in ${part}; read as far as possible`);
  return paragraphs.join('\n');
}
