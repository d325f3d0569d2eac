import type { Catalogue } from '../catalogue';

export const common: Catalogue['common'] = {
  siteName: 'Tajrobe',
  siteTagline: 'Experience sharing among the crisis-management departments of Iran’s metropolises',
  fileSizeUnits: 'B|KB|MB|GB',
  switchLanguage: 'فارسی',
  switchLanguageLabel: 'این سامانه را به فارسی بخوانید',
};
