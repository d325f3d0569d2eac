import { expect } from 'chai';
import { isOverdue, jalaliDate, jalaliInput, jalaliToday, latinDigits } from '../../server/i18n/solar-hijri';

describe('Solar Hijri dates of the register (jalali.ts)', function () {
  it('writes a stored date in the reader’s language and digits', function () {
    expect(jalaliDate('1392-03-15', 'fa')).to.equal('۱۵ خرداد ۱۳۹۲');
    expect(jalaliDate('1391-07', 'fa')).to.equal('مهر ۱۳۹۱');
    expect(jalaliDate('1392-03-05', 'fa')).to.equal('۵ خرداد ۱۳۹۲');
    expect(jalaliDate('1392-03-15', 'en')).to.equal('Khordad 15, 1392 AP');
    expect(jalaliDate('1391-07', 'en')).to.equal('Mehr 1391 AP');
    expect(jalaliDate('1405-12-29', 'en')).to.equal('Esfand 29, 1405 AP');
    expect(jalaliDate(null, 'en')).to.equal('');
  });

  it('agrees with the portal’s own Solar Hijri formatter in both languages', function () {
    // 2026-11-29 is 8 Azar 1405 in Tehran.
    const today = jalaliToday(new Date('2026-11-29T08:00:00Z'));
    expect(today).to.equal('1405-09-08');
    expect(jalaliDate(today, 'en')).to.equal('Azar 8, 1405 AP');
    expect(jalaliDate(today, 'fa')).to.equal('۸ آذر ۱۴۰۵');
  });

  it('reads what a person types: Persian or Arabic-Indic digits, slashes, dots, one-digit months and days', function () {
    expect(jalaliInput('۱۴۰۵/۰۹/۱۵')).to.equal('1405-09-15');
    expect(jalaliInput(' ۱۴۰۵/۹/۵ ')).to.equal('1405-09-05');
    expect(jalaliInput('١٤٠٥-٠٩')).to.equal('1405-09');
    expect(jalaliInput('1405.9.15')).to.equal('1405-09-15');
    expect(jalaliInput('1392-03-15')).to.equal('1392-03-15');
    // Not a date: returned for validation to refuse, digits made Latin, nothing invented.
    expect(jalaliInput('next week')).to.equal('next week');
    expect(jalaliInput('۱۴۰۵')).to.equal('1405');
    expect(jalaliInput('1405/09/15/01')).to.equal('1405/09/15/01');
    expect(jalaliInput('')).to.equal('');
    expect(latinDigits('نشست ۹ و ١٠')).to.equal('نشست 9 و 10');
  });

  it('counts a month-only due date as running to the month’s end', function () {
    expect(isOverdue('1405-09', '1405-09-20')).to.equal(false);
    expect(isOverdue('1405-08', '1405-09-01')).to.equal(true);
    expect(isOverdue('1405-09-07', '1405-09-08')).to.equal(true);
    expect(isOverdue(null, '1405-09-08')).to.equal(false);
  });
});
