import { expect } from 'chai';
import { isJalaliLeapYear, isValidJalali, jalaliMonthLength, jalaliToGregorian, tehranDay } from '../../server/i18n/solar-hijri';

const intlPersian = new Intl.DateTimeFormat('en-u-ca-persian-nu-latn', { timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric' });

function persianOf(year: number, month: number, day: number): [number, number, number] {
  const parts = Object.fromEntries(intlPersian.formatToParts(new Date(Date.UTC(year, month - 1, day))).map((p) => [p.type, p.value]));
  return [parseInt(parts.year!, 10), Number(parts.month), Number(parts.day)];
}

describe('Solar Hijri calendar', function () {
  it('converts known dates to Gregorian', function () {
    const known: [[number, number, number], [number, number, number]][] = [
      [[1403, 1, 1], [2024, 3, 20]],
      [[1404, 1, 1], [2025, 3, 21]],
      [[1403, 12, 30], [2025, 3, 20]],
      [[1405, 9, 8], [2026, 11, 29]],
      [[1399, 12, 30], [2021, 3, 20]],
      [[1404, 12, 29], [2026, 3, 20]],
      [[1405, 1, 1], [2026, 3, 21]],
    ];
    for (const [[year, month, day], [gy, gm, gd]] of known) {
      expect(jalaliToGregorian({ year, month, day }), `${year}/${month}/${day}`).to.deep.equal({ year: gy, month: gm, day: gd });
    }
  });

  it('knows leap years and month lengths', function () {
    expect([1395, 1399, 1403, 1408].map(isJalaliLeapYear)).to.deep.equal([true, true, true, true]);
    expect([1400, 1401, 1402, 1404, 1405].map(isJalaliLeapYear)).to.deep.equal([false, false, false, false, false]);
    expect(jalaliMonthLength(1404, 1)).to.equal(31);
    expect(jalaliMonthLength(1404, 7)).to.equal(30);
    expect(jalaliMonthLength(1404, 12)).to.equal(29);
    expect(jalaliMonthLength(1403, 12)).to.equal(30);
  });

  it('refuses days that do not exist', function () {
    for (const [year, month, day] of [
      [1405, 13, 1],
      [1405, 0, 1],
      [1405, 1, 0],
      [1405, 1, 32],
      [1405, 7, 31],
      [1404, 12, 30],
      [0, 1, 1],
      [1405.5, 1, 1],
    ] as const) {
      expect(isValidJalali({ year, month, day }), `${year}/${month}/${day}`).to.equal(false);
      expect(() => jalaliToGregorian({ year, month, day })).to.throw(RangeError);
    }
    expect(isValidJalali({ year: 1403, month: 12, day: 30 })).to.equal(true);
  });

  it('agrees with Intl’s Persian calendar on every day of 1395 to 1410', function () {
    let days = 0;
    for (let year = 1395; year <= 1410; year += 1) {
      for (let month = 1; month <= 12; month += 1) {
        for (let day = 1; day <= jalaliMonthLength(year, month); day += 1) {
          const g = jalaliToGregorian({ year, month, day });
          expect(persianOf(g.year, g.month, g.day), `${year}/${month}/${day}`).to.deep.equal([year, month, day]);
          days += 1;
        }
      }
      // The day after the year's last day is 1 Farvardin of the next: no day is skipped or doubled.
      const last = jalaliToGregorian({ year, month: 12, day: jalaliMonthLength(year, 12) });
      expect(persianOf(last.year, last.month, last.day + 1)).to.deep.equal([year + 1, 1, 1]);
    }
    expect(days).to.equal(16 * 365 + 4);
  });

  it('gives the instants a Tehran day begins and ends', function () {
    expect(tehranDay({ year: 2026, month: 11, day: 29 })).to.deep.equal({ from: new Date('2026-11-28T20:30:00Z'), until: new Date('2026-11-29T20:30:00Z') });
    // Before 1401 Tehran kept summer time (UTC+4:30).
    expect(tehranDay({ year: 2020, month: 6, day: 1 })).to.deep.equal({ from: new Date('2020-05-31T19:30:00Z'), until: new Date('2020-06-01T19:30:00Z') });
  });
});
