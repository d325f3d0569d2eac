import type { Catalogue } from '../catalogue';

export const email: Catalogue['email'] = {
  subject: '{site} · {text}',
  greeting: 'Hello {name},',
  itemsHeading: 'New items',
  open: 'Open in Tajrobe',
  item: '{type} “{title}” from {city}',
  why: 'Tajrobe, the portal where the crisis-management departments of the metropolises share what they learn, sent you this because you chose to receive these notifications by e-mail.',
  change: 'To change that choice, go to your account page: {url}',
};
