export interface Term {
  id: string;
  fa: string;
  en: string;
}

export const CITIES: readonly Term[] = [
  { id: 'tehran', fa: 'تهران', en: 'Tehran' },
  { id: 'mashhad', fa: 'مشهد', en: 'Mashhad' },
  { id: 'isfahan', fa: 'اصفهان', en: 'Isfahan' },
  { id: 'karaj', fa: 'کرج', en: 'Karaj' },
  { id: 'tabriz', fa: 'تبریز', en: 'Tabriz' },
  { id: 'shiraz', fa: 'شیراز', en: 'Shiraz' },
  { id: 'ahvaz', fa: 'اهواز', en: 'Ahvaz' },
  { id: 'qom', fa: 'قم', en: 'Qom' },
  { id: 'kermanshah', fa: 'کرمانشاه', en: 'Kermanshah' },
  { id: 'urmia', fa: 'ارومیه', en: 'Urmia' },
  { id: 'rasht', fa: 'رشت', en: 'Rasht' },
  { id: 'zahedan', fa: 'زاهدان', en: 'Zahedan' },
  { id: 'kerman', fa: 'کرمان', en: 'Kerman' },
  { id: 'hamadan', fa: 'همدان', en: 'Hamadan' },
  { id: 'yazd', fa: 'یزد', en: 'Yazd' },
  { id: 'arak', fa: 'اراک', en: 'Arak' },
];

export const KINDS: readonly Term[] = [
  { id: 'threat-study', fa: 'مطالعهٔ خطر و تهدید', en: 'Threat study' },
  { id: 'health-safety-plan', fa: 'طرح سلامت و ایمنی', en: 'Health and safety plan' },
  { id: 'partnership-report', fa: 'گزارش مشارکت بخش خصوصی', en: 'Private-partnership report' },
  { id: 'training-material', fa: 'مواد آموزشی', en: 'Training material' },
  { id: 'public-education', fa: 'آموزش همگانی', en: 'Public education' },
  { id: 'meeting-minutes', fa: 'صورت‌جلسه', en: 'Meeting minutes' },
  { id: 'other', fa: 'سایر', en: 'Other' },
];

export const HAZARDS: readonly Term[] = [
  { id: 'earthquake', fa: 'زلزله', en: 'Earthquake' },
  { id: 'flood', fa: 'سیل', en: 'Flood' },
  { id: 'fire', fa: 'آتش‌سوزی', en: 'Fire' },
  { id: 'landslide', fa: 'زمین‌لغزش', en: 'Landslide' },
  { id: 'drought', fa: 'خشکسالی', en: 'Drought' },
  { id: 'dust-storm', fa: 'گرد و غبار', en: 'Dust storm' },
  { id: 'industrial', fa: 'حادثهٔ صنعتی', en: 'Industrial accident' },
  { id: 'epidemic', fa: 'بیماری همه‌گیر', en: 'Epidemic' },
  { id: 'other', fa: 'سایر', en: 'Other' },
];
