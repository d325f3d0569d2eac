import type { Catalogue } from '../catalogue';

export const review: Catalogue['review'] = {
  title: 'Review queue',
  filters: 'Filter the queue',
  city: 'City',
  allCities: 'All cities',
  kind: 'Kind of document',
  allKinds: 'All kinds',
  show: 'Show',
  waiting: 'Awaiting review',
  waitingCount: '({count} in the queue, oldest first)',
  emptyFiltered: 'No document matching these filters is awaiting review.',
  empty: 'The review queue is empty; no document is awaiting review.',
  caption: 'Documents awaiting review, oldest first',
  column: {
    title: 'Title',
    city: 'City',
    kind: 'Kind',
    year: 'Year',
    submitted: 'Submitted',
  },
  restricted: 'Restricted',
  recentlyReturned: 'Recently returned documents',
  noneReturned: 'No document has been returned.',
  allReturned: 'All returned documents',
  flash: {
    submit: 'The document was sent to the secretariat for review.',
    publish: 'The document was published.',
    return: 'The document was returned to its city with your note.',
    withdraw: 'The document was withdrawn.',
  },
  returnCommentRequired: 'To return the document, write a note for the city (at most 5000 characters).',
};
