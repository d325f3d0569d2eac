import type { Catalogue } from '../catalogue';

export const audit: Catalogue['audit'] = {
  title: 'Audit log',
  filters: {
    action: 'Event',
    allActions: 'All events',
    user: 'User',
    allUsers: 'All users',
    documentId: 'Document id',
    from: 'From',
    to: 'To',
    show: 'Show',
    csv: 'Download these events as CSV',
    dateHint: 'Solar Hijri, e.g. 1405/09/01',
    invalidDate: '“{field}” is not a valid date: “{value}”. Write a Solar Hijri date such as 1405/09/01.',
    reversedRange: 'The “From” date is after the “To” date.',
  },
  count: '{count} events',
  newestFirst: '(newest first)',
  empty: 'No event matches these filters.',
  columns: {
    at: 'Time',
    user: 'User',
    action: 'Event',
    document: 'Document',
    details: 'Details',
  },
  csv: {
    fileName: 'audit-log.csv',
    id: 'Id',
    atUtc: 'Time (UTC)',
    atSolar: 'Time (Solar Hijri)',
    user: 'User',
    action: 'Event',
    actionName: 'Event name',
    document: 'Document',
    target: 'Target',
    details: 'Details',
  },
  actions: {
    document: {
      created: 'Document uploaded',
      version_added: 'New version uploaded',
      updated: 'Details edited',
      shared: 'Cities with access changed',
      submitted: 'Sent for review',
      published: 'Published',
      returned: 'Returned for correction',
      withdrawn: 'Archived',
    },
    user: {
      created: 'User created',
      disabled: 'User disabled',
      enabled: 'User enabled',
    },
    package: {
      created: 'Package created',
      updated: 'Package edited',
      published: 'Package published',
    },
    meeting: {
      created: 'Meeting recorded',
    },
    resolution: {
      created: 'Resolution recorded',
      updated: 'Resolution updated',
      followup_added: 'Resolution follow-up recorded',
    },
    storage: {
      migrated: 'Stored files moved to another store',
    },
    backup: {
      restored: 'Portal restored from a backup',
    },
  },
};
