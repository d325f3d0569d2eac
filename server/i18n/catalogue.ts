import { fa } from './fa/index';

/** The shape every language's catalogue must have: Persian's keys, each a string. */
export type Catalogue = Widen<typeof fa>;
type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** Every dotted key of the catalogue, e.g. `errors.not_found`. */
export type MessageKey = Keys<typeof fa>;
type Keys<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Keys<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
