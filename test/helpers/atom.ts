import { SaxesParser, type SaxesTagNS } from 'saxes';

const ATOM = 'http://www.w3.org/2005/Atom';
/** RFC 3339 date-time, as Atom's `updated` requires. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

interface Node {
  name: string;
  uri: string;
  attributes: Record<string, string>;
  children: Node[];
  text: string;
}

export interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  link: string;
  summary: string;
  category: { term: string; label: string } | null;
  author: string | null;
}

export interface ParsedFeed {
  id: string;
  title: string;
  updated: string;
  language: string | null;
  self: string | null;
  entries: AtomEntry[];
}

/**
 * Parses an Atom document as XML (saxes, namespaces on: malformed XML throws) and checks what RFC 4287 requires:
 * a `feed` in the Atom namespace with exactly one `id`, `title` and `updated` (an RFC 3339 time), an `author` on the
 * feed or on every entry, and in every entry exactly one `id`, `title` and `updated` and a `link` with an `href`
 * (an entry without content must have an alternate link).
 */
export function parseAtom(xml: string): ParsedFeed {
  const parser = new SaxesParser({ xmlns: true });
  const root: Node = { name: '#document', uri: '', attributes: {}, children: [], text: '' };
  const stack: Node[] = [root];
  let failure: Error | null = null;
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('opentag', (tag) => {
    const t = tag as SaxesTagNS;
    const node: Node = { name: t.local, uri: t.uri, attributes: Object.fromEntries(Object.values(t.attributes).map((a) => [a.name, a.value])), children: [], text: '' };
    stack.at(-1)!.children.push(node);
    stack.push(node);
  });
  parser.on('text', (text) => {
    stack.at(-1)!.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (failure) throw failure;
  const feed = root.children[0];
  if (!feed || feed.name !== 'feed' || feed.uri !== ATOM) throw new Error(`the root element is not an Atom feed: ${feed?.uri} ${feed?.name}`);
  const one = (parent: Node, name: string): Node => {
    const found = parent.children.filter((child) => child.uri === ATOM && child.name === name);
    if (found.length !== 1) throw new Error(`<${parent.name}> must have exactly one <${name}>, it has ${found.length}`);
    return found[0]!;
  };
  const date = (parent: Node): string => {
    const value = one(parent, 'updated').text.trim();
    if (!RFC3339.test(value)) throw new Error(`<${parent.name}><updated> is not an RFC 3339 time: ${value}`);
    return value;
  };
  const all = (parent: Node, name: string) => parent.children.filter((child) => child.uri === ATOM && child.name === name);
  const feedAuthor = all(feed, 'author').length > 0;
  const entries = all(feed, 'entry').map((entry) => {
    const links = all(entry, 'link');
    const alternate = links.find((l) => (l.attributes.rel ?? 'alternate') === 'alternate');
    if (!alternate || !alternate.attributes.href) throw new Error('an entry without content needs a <link rel="alternate" href>');
    const authors = all(entry, 'author');
    if (!feedAuthor && authors.length === 0) throw new Error('an entry of a feed without <author> must have its own');
    const category = all(entry, 'category')[0];
    return {
      id: one(entry, 'id').text.trim(),
      title: one(entry, 'title').text,
      updated: date(entry),
      link: alternate.attributes.href,
      summary: all(entry, 'summary')[0]?.text ?? '',
      category: category ? { term: category.attributes.term ?? '', label: category.attributes.label ?? '' } : null,
      author: authors[0] ? one(authors[0], 'name').text : null,
    };
  });
  return {
    id: one(feed, 'id').text.trim(),
    title: one(feed, 'title').text,
    updated: date(feed),
    language: feed.attributes['xml:lang'] ?? null,
    self: all(feed, 'link').find((l) => l.attributes.rel === 'self')?.attributes.href ?? null,
    entries,
  };
}
