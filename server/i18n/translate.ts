import type { Catalogue, MessageKey } from './catalogue';
import type { Locale } from './locale';
import { fa } from './fa/index';
import { en } from './en/index';
import { formatters } from './format';

const CATALOGUES: Record<Locale, Catalogue> = { fa, en };

export type MessageParams = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

/**
 * `t('errors.not_found')`, `t('search.results', { count: 12 })`: the message in the reader's language,
 * each `{name}` filled in (numbers in the language's digits). A key the catalogue lacks throws, so a
 * typo in a template fails its page test instead of showing a blank.
 */
export function translator(locale: Locale): Translate {
  const catalogue = CATALOGUES[locale];
  const { number } = formatters(locale);
  return (key, params) => {
    const message = lookup(catalogue, key);
    if (typeof message !== 'string') throw new Error(`no message "${key}" in the ${locale} catalogue`);
    if (!params) return message;
    return message.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? number(value) : value;
    });
  };
}

/** Whether the catalogue has this key (for codes that come from data, e.g. an error code). */
export function hasMessage(locale: Locale, key: string): boolean {
  return typeof lookup(CATALOGUES[locale], key) === 'string';
}

function lookup(catalogue: Catalogue, key: string): unknown {
  let node: unknown = catalogue;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
