import { common } from './common';
import { errors } from './errors';

/** The Persian catalogue: every string the Persian interface shows, by page or capability. */
export const fa = {
  common,
  errors,
} as const;
