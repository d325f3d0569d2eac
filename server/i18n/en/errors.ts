import type { Catalogue } from '../catalogue';

export const errors: Catalogue['errors'] = {
  bad_request: 'The request is not valid.',
  validation_failed: 'Some of the form is missing or not valid.',
  missing_file: 'No file was chosen.',
  unauthenticated: 'Sign in to see this page.',
  invalid_credentials: 'The username or password is wrong.',
  forbidden: 'You are not allowed to do this.',
  csrf: 'The form has expired; reload the page and send it again.',
  not_found: 'The page or document you asked for was not found.',
  conflict: 'This cannot be done in the document’s current state.',
  invalid_transition: 'This cannot be done in the document’s current state.',
  cannot_disable_self: 'You cannot disable your own account.',
  username_taken: 'This username is already taken.',
  too_large: 'The file is larger than allowed.',
  unsupported_type: 'This type of file is not accepted. Allowed: PDF, Word, Excel, PowerPoint, OpenDocument, text, images and MP4 video.',
  too_many_requests: 'Too many failed attempts; try again in a few minutes.',
  upload_interrupted: 'The upload was interrupted; send it again.',
  internal: 'Something went wrong. Try again.',
  busy: 'The portal is busy for a moment; try again in a few seconds.',
  stopping: 'The portal is restarting; try again in a minute.',
  storage_full: 'The portal’s storage is full and the file was not kept. Tell the secretariat and send it again later.',
};
