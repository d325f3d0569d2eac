import { common } from './common';
import { errors } from './errors';
import { documents } from './documents';
import { search } from './search';
import { shell } from './shell';
import { auth } from './auth';
import { users } from './users';
import { notifications } from './notifications';
import { dashboard } from './dashboard';
import { audit } from './audit';
import { cities } from './cities';
import { packages } from './packages';
import { resolutions } from './resolutions';
import { review } from './review';
import { profile } from './profile';
import { files } from './files';
import { previews } from './previews';
import { email } from './email';
import { lessons } from './lessons';
import { subscriptions } from './subscriptions';

/** The Persian catalogue: every string the Persian interface shows, by page or capability. */
export const fa = {
  common,
  errors,
  documents,
  search,
  shell,
  auth,
  users,
  notifications,
  dashboard,
  audit,
  cities,
  packages,
  resolutions,
  review,
  profile,
  files,
  previews,
  email,
  lessons,
  subscriptions,
} as const;
