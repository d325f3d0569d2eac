import type { Catalogue } from '../catalogue';

export const cities: Catalogue['cities'] = {
  title: 'Cities',
  compliance: 'What each city has sent',
  newMetropolis: 'New metropolis',
  unanswered: '{count} resolutions without a document',
  searchCity: 'Search this city’s documents',
  published: 'Published documents',
  documentsUnit: 'documents',
  countNote: 'Only published documents you are allowed to see are counted.',
  noneYet: 'No document from this city has been published yet.',
  byKind: 'By kind',
  byHazard: 'By hazard',
  byYear: 'By year',
  openItems: 'Open items',
  missingHeading: 'Resolutions for which no document has arrived yet',
  allAnswered: 'A document has been published for every resolution that asks for one.',
  due: 'due',
  pendingHeading: 'Returned documents and drafts',
  nonePending: 'No returned document and no draft.',
  packages: 'Packages received',
  noPackages: 'No package has been sent to this city yet.',
};
