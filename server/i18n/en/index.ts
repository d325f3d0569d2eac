import type { Catalogue } from '../catalogue';
import { common } from './common';
import { errors } from './errors';

/** The English catalogue: the same keys as the Persian one (the type makes a missing key a compile error). */
export const en: Catalogue = {
  common,
  errors,
};
