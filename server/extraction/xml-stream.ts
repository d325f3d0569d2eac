import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { asArchiveError } from './zip-archive';

/**
 * Streams an XML part through a SAX parser: memory stays flat however large the part. saxes expands no
 * entities declared in a DTD, so "billion laughs" files cost nothing. Malformed XML is read as far as it goes.
 */

export type XmlElement = {
  local: string;
  uri: string;
  /** The value of the attribute with this local name, in namespace `uri` when given. */
  attribute(local: string, uri?: string): string | undefined;
};

export type XmlHandlers = {
  open?(element: XmlElement): void;
  close?(element: XmlElement): void;
  text?(text: string): void;
};

export type XmlReadOutcome = { stopped: boolean; malformed: boolean };

export async function readXml(stream: Readable, partName: string, handlers: XmlHandlers, shouldStop: () => boolean = () => false): Promise<XmlReadOutcome> {
  const parser = new SaxesParser({ xmlns: true });
  let malformed = false;
  parser.on('error', () => {
    malformed = true;
  });
  listen(parser, handlers);

  stream.setEncoding('utf8');
  let stopped = false;
  try {
    for await (const chunk of stream) {
      parser.write(chunk as string);
      if (shouldStop()) {
        stopped = true;
        stream.destroy();
        break;
      }
    }
  } catch (error) {
    throw asArchiveError(error, partName);
  }
  if (!stopped) parser.close();
  return { stopped, malformed };
}

function element(tag: SaxesTagNS): XmlElement {
  return {
    local: tag.local,
    uri: tag.uri,
    attribute(local, uri) {
      for (const attribute of Object.values(tag.attributes)) {
        if (attribute.local === local && (uri === undefined || attribute.uri === uri)) return attribute.value;
      }
      return undefined;
    },
  };
}

/** Relationship id → target part name, from a `.rels` part. */
export function parseRelationships(xml: string | undefined): Map<string, { target: string; type: string }> {
  const relationships = new Map<string, { target: string; type: string }>();
  if (!xml) return relationships;
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', () => undefined);
  parser.on('opentag', (tag) => {
    if (tag.local !== 'Relationship') return;
    const read = element(tag);
    const id = read.attribute('Id');
    const target = read.attribute('Target');
    if (id && target && read.attribute('TargetMode') !== 'External') relationships.set(id, { target, type: read.attribute('Type') ?? '' });
  });
  parser.write(xml).close();
  return relationships;
}

/** Parses a small part whole, collecting what `handlers` want. */
export function readSmallXml(xml: string, handlers: XmlHandlers): void {
  const parser = new SaxesParser({ xmlns: true });
  parser.on('error', () => undefined);
  listen(parser, handlers);
  parser.write(xml).close();
}

/** Hands the parser's elements and text (CDATA included) to `handlers`. */
function listen(parser: SaxesParser<{ xmlns: true }>, handlers: XmlHandlers): void {
  const { open, close, text } = handlers;
  if (open) parser.on('opentag', (tag) => open(element(tag)));
  if (close) parser.on('closetag', (tag) => close(element(tag)));
  if (text) {
    parser.on('text', text);
    parser.on('cdata', text);
  }
}
