/**
 * The relevance set: what a person types, and which documents of bench/relevance/corpus.ts they
 * mean (`relevant`), judged by reading the corpus, not by running a search. `wrong` lists
 * documents that must not be in the first five (an excluded word, a phrase whose words stand apart).
 */

export type Category = 'synonyms' | 'word forms' | 'stop words' | 'partial' | 'English labels' | 'phrases' | 'exclusion';

export interface RelevanceQuery {
  category: Category;
  q: string;
  relevant: string[];
  wrong?: string[];
}

const EARTHQUAKE_OUTSIDE_TEHRAN = [
  'eq-mashhad-drill', 'eq-tabriz-fault', 'eq-kerman-lessons', 'eq-yazd-old-fabric', 'eq-urmia-insurance', 'eq-isfahan-shelters',
  'eq-karaj-shelter', 'eq-urmia-volunteers', 'eq-kermanshah-hospital', 'eq-shiraz-school-training', 'eq-qom-family',
];

export const QUERIES: RelevanceQuery[] = [
  { category: 'synonyms', q: 'زمین‌لرزه مقاوم‌سازی', relevant: ['eq-tehran-retrofit'] },
  { category: 'synonyms', q: 'حریق ساختمان بلندمرتبه', relevant: ['fire-tehran-plasco'] },
  { category: 'synonyms', q: 'آتش‌سوزی انبار', relevant: ['fire-qom-warehouse'] },
  { category: 'synonyms', q: 'ریزگرد سیستان', relevant: ['dust-zahedan-storm'] },
  { category: 'synonyms', q: 'گرد و غبار ماسک', relevant: ['dust-ahvaz-health'] },
  { category: 'synonyms', q: 'رانش زمین گیلان', relevant: ['landslide-rasht-slopes'] },
  { category: 'synonyms', q: 'کم‌آبی کرمان', relevant: ['drought-kerman-saving'] },
  { category: 'synonyms', q: 'اپیدمی بیمارستان', relevant: ['epidemic-tehran-hospitals'] },
  { category: 'synonyms', q: 'سیلاب رشت', relevant: ['flood-rasht-warning'] },

  { category: 'word forms', q: 'پناهگاه', relevant: ['eq-isfahan-shelters', 'eq-karaj-shelter', 'eq-mashhad-drill'] },
  { category: 'word forms', q: 'پناهگاه‌ها اضطراری', relevant: ['eq-isfahan-shelters', 'eq-karaj-shelter'] },
  { category: 'word forms', q: 'داوطلبان محله', relevant: ['hamadan-volunteers', 'eq-mashhad-drill'] },
  { category: 'word forms', q: 'مدارس زلزله', relevant: ['eq-tehran-retrofit', 'eq-shiraz-school-training'] },
  { category: 'word forms', q: 'بیمارستان‌ها زمین‌لرزه', relevant: ['eq-kerman-lessons', 'eq-kermanshah-hospital'] },
  { category: 'word forms', q: 'داوطلبان امداد', relevant: ['eq-urmia-volunteers'] },
  { category: 'word forms', q: 'ساختمان فرسوده', relevant: ['eq-tabriz-fault', 'eq-yazd-old-fabric'] },
  { category: 'word forms', q: 'سیم‌کشی‌ها فرسوده', relevant: ['fire-qom-warehouse'] },
  { category: 'word forms', q: 'هشدارهای سیلاب', relevant: ['flood-tabriz-warning', 'flood-rasht-warning', 'flood-shiraz-1398'] },
  { category: 'word forms', q: 'خانواده‌ها کیف', relevant: ['eq-qom-family'] },

  { category: 'stop words', q: 'گزارش درباره سیل مشهد', relevant: ['flood-mashhad-report'] },
  { category: 'stop words', q: 'آموزش برای زلزله در مدرسه', relevant: ['eq-shiraz-school-training'] },
  { category: 'stop words', q: 'درباره آتش‌سوزی بازار', relevant: ['fire-isfahan-bazaar'] },
  { category: 'stop words', q: 'چگونه با ریزگردها مقابله کنیم', relevant: ['dust-kermanshah-minutes', 'dust-ahvaz-health'] },
  { category: 'stop words', q: 'همه چیز درباره بیمه زلزله', relevant: ['eq-urmia-insurance'] },
  { category: 'stop words', q: 'جیره‌بندی آب در تابستان', relevant: ['drought-shiraz-rationing', 'drought-yazd-water'] },

  { category: 'partial', q: 'مانور زلزله اهواز', relevant: ['eq-mashhad-drill'] },
  { category: 'partial', q: 'سیل کارون خاکریز شیراز', relevant: ['flood-ahvaz-levees'] },
  { category: 'partial', q: 'پالایشگاه انفجار نشت گاز آبادان', relevant: ['industrial-tabriz-refinery', 'industrial-arak-explosion'] },
  { category: 'partial', q: 'قنات فرونشست یزد', relevant: ['drought-yazd-water', 'drought-isfahan-subsidence'] },
  { category: 'partial', q: 'کیف اضطراری خانواده کرونا', relevant: ['eq-qom-family'] },
  { category: 'partial', q: 'تریاژ مصدومان سرپل ذهاب بم', relevant: ['eq-kermanshah-hospital', 'eq-kerman-lessons'] },

  { category: 'English labels', q: 'drought', relevant: ['drought-yazd-water', 'drought-isfahan-subsidence', 'drought-shiraz-rationing', 'drought-kerman-saving'] },
  { category: 'English labels', q: 'Shiraz', relevant: ['flood-shiraz-1398', 'eq-shiraz-school-training', 'drought-shiraz-rationing', 'epidemic-shiraz-education'] },
  { category: 'English labels', q: 'earthquake Tabriz', relevant: ['eq-tabriz-fault'] },
  { category: 'English labels', q: 'flood Mashhad', relevant: ['flood-mashhad-report'] },
  { category: 'English labels', q: 'dust storm', relevant: ['dust-ahvaz-health', 'dust-zahedan-storm', 'dust-kermanshah-minutes'] },
  { category: 'English labels', q: 'epidemic Tehran', relevant: ['epidemic-tehran-hospitals'] },
  { category: 'English labels', q: 'fire training material', relevant: ['fire-isfahan-bazaar'] },

  { category: 'phrases', q: '"ستاد مدیریت بحران"', relevant: ['karaj-headquarters', 'meeting-9-minutes'], wrong: ['arak-municipal-training'] },
  { category: 'phrases', q: '"بافت فرسوده"', relevant: ['eq-yazd-old-fabric'] },
  { category: 'phrases', q: '"هشدار سریع"', relevant: ['flood-tabriz-warning', 'flood-shiraz-1398'] },
  { category: 'phrases', q: '"مواد شیمیایی"', relevant: ['industrial-arak-explosion'] },
  { category: 'phrases', q: '"آتش‌نشانی شهر"', relevant: ['industrial-isfahan-steel'], wrong: ['industrial-tabriz-refinery'] },

  { category: 'exclusion', q: 'زلزله -تهران', relevant: EARTHQUAKE_OUTSIDE_TEHRAN, wrong: ['eq-tehran-retrofit'] },
  {
    category: 'exclusion',
    q: 'سیل -مشهد',
    relevant: ['flood-shiraz-1398', 'flood-ahvaz-levees', 'flood-rasht-warning', 'flood-tehran-valleys', 'flood-tabriz-warning'],
    wrong: ['flood-mashhad-report'],
  },
  { category: 'exclusion', q: 'آتش‌سوزی -انبار', relevant: ['fire-tehran-plasco', 'fire-isfahan-bazaar', 'fire-ahvaz-wetland'], wrong: ['fire-qom-warehouse'] },
  { category: 'exclusion', q: 'ریزگرد -اهواز', relevant: ['dust-kermanshah-minutes', 'dust-zahedan-storm'], wrong: ['dust-ahvaz-health'] },
  { category: 'exclusion', q: 'مانور -زلزله', relevant: ['industrial-isfahan-steel'], wrong: ['eq-mashhad-drill'] },
];
