import { parseRelationships, readSmallXml } from './xml-stream';
import { resolvePartName, type ZipArchive } from './zip-archive';

const RELATIONSHIP_NAMESPACE = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

export interface ListedPart {
  part: string;
  /** The listing element's `name` attribute, when it has one (a worksheet's name). */
  name: string | undefined;
}

/**
 * The parts an OOXML main part lists, in its order (`sldId` in a presentation, `sheet` in a
 * workbook), each resolved through the main part's relationships. When the main part is missing or
 * names none, the parts matching `fallback`, in the order of their numbers (`slide2.xml` before
 * `slide10.xml`).
 */
export async function listedParts(
  archive: ZipArchive,
  main: { folder: string; part: string; element: string; fallback: RegExp },
): Promise<ListedPart[]> {
  const xml = await archive.text(`${main.folder}/${main.part}`);
  const relationships = parseRelationships(await archive.text(`${main.folder}/_rels/${main.part}.rels`));
  const parts: ListedPart[] = [];
  if (xml) {
    readSmallXml(xml, {
      open(element) {
        if (element.local !== main.element) return;
        const id = element.attribute('id', RELATIONSHIP_NAMESPACE);
        const target = id ? relationships.get(id)?.target : undefined;
        if (target) parts.push({ part: resolvePartName(main.folder, target), name: element.attribute('name') });
      },
    });
  }
  if (parts.length > 0) return parts;
  return archive
    .names()
    .filter((name) => main.fallback.test(name))
    .sort((a, b) => partNumber(a) - partNumber(b))
    .map((part) => ({ part, name: undefined }));
}

function partNumber(name: string): number {
  return Number(/(\d+)\.xml$/i.exec(name)?.[1] ?? 0);
}
