/** What an Atom feed says (RFC 4287): its id, title, last update, where it lives, and its entries, newest first. */
export interface AtomFeed {
  id: string;
  title: string;
  /** ISO time. */
  updated: string;
  /** The feed's own absolute URL (`rel="self"`). */
  self: string;
  /** An absolute URL of the same news as a page (`rel="alternate"`). */
  alternate: string;
  author: string;
  language: string;
  entries: AtomEntry[];
}

export interface AtomEntry {
  id: string;
  title: string;
  updated: string;
  /** Absolute URL of the item. */
  link: string;
  summary: string;
  /** What kind of item it is, as a category term and its label. */
  category: { term: string; label: string };
  author: string;
}

/** Characters XML 1.0 does not allow, even escaped (control characters other than tab, line feed and carriage return, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text safe inside an element or a double-quoted attribute. */
export function xmlText(value: string): string {
  return value.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The feed as an Atom document (UTF-8); user text is escaped and characters XML forbids are dropped. */
export function atomXml(feed: AtomFeed): string {
  const lines = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlText(feed.language)}">`,
    `  <id>${xmlText(feed.id)}</id>`,
    `  <title type="text">${xmlText(feed.title)}</title>`,
    `  <updated>${xmlText(feed.updated)}</updated>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlText(feed.self)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(feed.alternate)}"/>`,
    `  <author><name>${xmlText(feed.author)}</name></author>`,
    ...feed.entries.flatMap((entry) => [
      '  <entry>',
      `    <id>${xmlText(entry.id)}</id>`,
      `    <title type="text">${xmlText(entry.title)}</title>`,
      `    <updated>${xmlText(entry.updated)}</updated>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(entry.link)}"/>`,
      `    <author><name>${xmlText(entry.author)}</name></author>`,
      `    <category term="${xmlText(entry.category.term)}" label="${xmlText(entry.category.label)}"/>`,
      `    <summary type="text">${xmlText(entry.summary)}</summary>`,
      '  </entry>',
    ]),
    '</feed>',
    '',
  ];
  return lines.join('\n');
}
