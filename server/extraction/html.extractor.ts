import type { Extractor } from './extraction-context';
import { paginate } from './page-collector';
import { readDecoded } from './text.extractor';

/**
 * HTML: the visible text only. A single linear scan (no regular expression that could backtrack on hostile
 * markup) drops comments, declarations, tags, and the content of script, style, template and similar elements;
 * block elements become line breaks, table cells tabs; entities are decoded. Pages as for plain text.
 */
export const extractHtml: Extractor = async (input, context) => {
  // Markup takes room: read up to twice the character limit of source, then cut the text to the limit.
  const html = await readDecoded(input.path, input.contentType, context, context.collector.charsLeft * 2);
  paginate(htmlToText(html)).forEach((page, index) => context.collector.add(index + 1, page));
  return 'html';
};

const SKIPPED_ELEMENTS = new Set(['script', 'style', 'template', 'noscript', 'object', 'iframe', 'svg', 'math', 'canvas', 'select']);
const PARAGRAPH_ELEMENTS = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'table', 'ul', 'ol', 'dl', 'section', 'article',
  'header', 'footer', 'main', 'nav', 'aside', 'title', 'hr', 'figure', 'address', 'form', 'fieldset', 'details',
]);
const LINE_ELEMENTS = new Set(['br', 'div', 'li', 'tr', 'dt', 'dd', 'figcaption', 'caption', 'summary', 'option', 'legend']);
const CELL_ELEMENTS = new Set(['td', 'th']);
const TAG_NAME = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)/y;

export function htmlToText(html: string): string {
  const out: string[] = [];
  let preDepth = 0;
  let index = 0;
  const length = html.length;

  const pushText = (raw: string) => {
    if (!raw) return;
    const text = decodeEntities(raw).replace(/[\u0001\u0002]/g, '');
    out.push(preDepth > 0 ? text : text.replace(/\s+/g, ' '));
  };

  while (index < length) {
    const open = html.indexOf('<', index);
    if (open < 0) {
      pushText(html.slice(index));
      break;
    }
    pushText(html.slice(index, open));

    if (html.startsWith('<!--', open)) {
      const end = html.indexOf('-->', open + 4);
      index = end < 0 ? length : end + 3;
      continue;
    }
    if (html[open + 1] === '!' || html[open + 1] === '?') {
      const end = html.indexOf('>', open);
      index = end < 0 ? length : end + 1;
      continue;
    }
    TAG_NAME.lastIndex = open;
    const tag = TAG_NAME.exec(html);
    if (!tag) {
      out.push('<');
      index = open + 1;
      continue;
    }
    const closing = tag[1] === '/';
    const name = tag[2]!.toLowerCase();
    const tagEnd = endOfTag(html, TAG_NAME.lastIndex);

    if (!closing && SKIPPED_ELEMENTS.has(name) && html[tagEnd - 2] !== '/') {
      index = endOfElement(html, name, tagEnd);
      continue;
    }
    if (name === 'pre') preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
    if (PARAGRAPH_ELEMENTS.has(name)) out.push(PARAGRAPH_BREAK);
    else if (LINE_ELEMENTS.has(name)) out.push(LINE_BREAK);
    else if (CELL_ELEMENTS.has(name) && !closing) out.push('\t');
    index = tagEnd;
  }

  return resolveBreaks(out.join(''));
}

/** Placeholders for the breaks elements make; control characters are removed from the text itself. */
const LINE_BREAK = '\u0001';
const PARAGRAPH_BREAK = '\u0002';

/**
 * One pass over the text: each run of white space and break placeholders becomes a blank line (a paragraph
 * break or two line ends in it), a line end, a tab (table cells) or a space. Linear, whatever the input.
 */
function resolveBreaks(text: string): string {
  const out: string[] = [];
  let textStart = 0;
  let inRun = false;
  let newlines = 0;
  let line = false;
  let paragraph = false;
  let tab = false;
  let seenText = false;
  for (let index = 0; index <= text.length; index++) {
    const char = index < text.length ? text[index]! : undefined;
    const blank = char !== undefined && BLANK.has(char);
    if (blank) {
      if (!inRun) {
        if (index > textStart) {
          out.push(text.slice(textStart, index));
          seenText = true;
        }
        inRun = true;
      }
      if (char === PARAGRAPH_BREAK) paragraph = true;
      else if (char === LINE_BREAK) line = true;
      else if (char === '\n') newlines++;
      else if (char === '\t') tab = true;
      continue;
    }
    if (inRun) {
      // Runs at the very start or end vanish.
      if (char !== undefined && seenText) {
        out.push(paragraph || newlines >= 2 ? '\n\n' : line || newlines === 1 ? '\n' : tab ? '\t' : ' ');
      }
      inRun = false;
      newlines = 0;
      line = paragraph = tab = false;
      textStart = index;
    }
    if (char === undefined) out.push(text.slice(textStart));
  }
  return out.join('');
}

const BLANK = new Set([' ', '\t', '\n', '\r', '\f', '\u00A0', LINE_BREAK, PARAGRAPH_BREAK]);

/** Index just past the tag's '>', skipping quoted attribute values (which may contain '>'). */
function endOfTag(html: string, from: number): number {
  let index = from;
  while (index < html.length && html[index] !== '>') {
    if (html[index] === '=') {
      index++;
      while (index < html.length && /\s/.test(html[index]!)) index++;
      const quote = html[index];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, index + 1);
        index = close < 0 ? html.length : close + 1;
        continue;
      }
    }
    index++;
  }
  return Math.min(index + 1, html.length);
}

/** Index just past `</name>`, or the end of the input when the element is never closed. */
function endOfElement(html: string, name: string, from: number): number {
  const closer = new RegExp(`</${name}[\\s/>]`, 'gi');
  closer.lastIndex = from;
  const match = closer.exec(html);
  if (!match) return html.length;
  const end = html.indexOf('>', match.index);
  return end < 0 ? html.length : end + 1;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', zwnj: '\u200C', zwj: '\u200D', lrm: '\u200E',
  rlm: '\u200F', shy: '\u00AD', ensp: ' ', emsp: ' ', thinsp: ' ', ndash: '–', mdash: '—', hellip: '…',
  laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', sbquo: '‚', bdquo: '„', bull: '•',
  middot: '·', copy: '©', reg: '®', trade: '™', deg: '°', plusmn: '±', times: '×', divide: '÷', frac12: '½',
  frac14: '¼', frac34: '¾', sect: '§', para: '¶', cent: '¢', pound: '£', euro: '€', yen: '¥', larr: '←',
  rarr: '→', uarr: '↑', darr: '↓', iexcl: '¡', iquest: '¿', prime: '′', Prime: '″', minus: '−', permil: '‰',
};
/** Entities HTML accepts without the closing semicolon. */
const BARE_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'nbsp', 'copy', 'reg']);

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z][a-zA-Z0-9]{1,31}))(;?)/g, (whole, hex, decimal, name, semicolon) => {
    if (hex !== undefined || decimal !== undefined) {
      const code = hex !== undefined ? parseInt(hex, 16) : parseInt(decimal, 10);
      const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
      return valid ? String.fromCodePoint(code) : '\uFFFD';
    }
    const value = NAMED_ENTITIES[name];
    if (value === undefined || (!semicolon && !BARE_ENTITIES.has(name))) return whole;
    return value;
  });
}
