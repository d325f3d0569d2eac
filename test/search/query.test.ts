import { expect } from 'chai';
import { inflections, isStopWord, normalizeQueryText, stem } from '../../search/persian';
import { parseQuery, SynonymTable } from '../../search/query';
import { DIFFERENT_STEMS, SAME_STEM } from './stemming-cases';

const n = normalizeQueryText;

describe('light stemming (search/persian.ts)', function () {
  for (const group of SAME_STEM) {
    it(`gives ${group.join('، ')} one stem`, function () {
      const stems = new Set(group.map((word) => stem(n(word))));
      expect([...stems], group.join(' ')).to.have.length(1);
    });
  }

  const KNOWN_FALSE = new Set(['خان|خانه‌ای']);
  for (const [a, b] of DIFFERENT_STEMS) {
    if (KNOWN_FALSE.has(`${a}|${b}`)) continue;
    it(`keeps ${a} and ${b} apart`, function () {
      expect(stem(n(a))).not.to.equal(stem(n(b)));
    });
  }

  it('leaves place names, numbers, mixed words and short words whole', function () {
    for (const word of ['تهران', 'اصفهان', 'کرمان', 'زاهدان', 'خراسان', 'سازمان', 'بیمارستان', 'تابستان', '1391', 'covid19', 'تنها', 'دفتر']) expect(stem(n(word)), word).to.equal(n(word));
  });

  it('has an exact inverse: every form of a group is among the inflections of its stem, and each inflection stems back', function () {
    for (const group of SAME_STEM) {
      const stemmed = stem(n(group[0]!));
      const forms = inflections(stemmed);
      for (const word of group) if (n(word) !== stemmed) expect(forms, word).to.include(n(word));
      for (const form of forms) expect(stem(form), form).to.equal(stemmed);
    }
  });

  it('knows stop words from the kept Persian list and a few English ones, but keeps the words that matter here', function () {
    for (const word of ['درباره', 'در', 'از', 'و', 'برای', 'چگونه', 'می‌شود', 'ها', 'the', 'of']) expect(isStopWord(n(word)), word).to.equal(true);
    for (const word of ['زلزله', 'گزارش', 'خدمات', 'راه', 'زمان', 'بخش', 'آباد', 'تهران', 'report', '1391']) expect(isStopWord(n(word)), word).to.equal(false);
  });
});

describe('reading a query (search/query.ts)', function () {
  const synonyms = new SynonymTable([
    ['زلزله', 'زمین‌لرزه', 'Earthquake'],
    ['گرد و غبار', 'ریزگرد', 'Dust storm'],
  ]);
  const clauses = (q: string) => parseQuery(q, synonyms).clauses.map((c) => ({ tokens: c.tokens, exact: c.exact, prefix: c.prefix }));

  it('keeps plain words, the last one a prefix', function () {
    expect(clauses('کتاب  مفید')).to.deep.equal([
      { tokens: ['کتاب'], exact: false, prefix: false },
      { tokens: ['مفید'], exact: false, prefix: true },
    ]);
    expect(clauses('مانور م')[1]).to.deep.equal({ tokens: ['م'], exact: false, prefix: false });
  });

  it('reads "a phrase" and «a phrase» word for word, never a prefix, never dropping a stop word inside', function () {
    expect(clauses('"ستاد مدیریت در بحران"')).to.deep.equal([{ tokens: ['ستاد', 'مدیریت', 'در', 'بحران'], exact: true, prefix: false }]);
    expect(clauses('آموزش «کلان‌شهر»')).to.deep.equal([
      { tokens: ['اموزش'], exact: false, prefix: false },
      { tokens: ['کلانشهر'], exact: true, prefix: false },
    ]);
  });

  it('reads -word and -"a phrase" as exclusions, and a lone or inner minus as plain text', function () {
    expect(parseQuery('زلزله -تهران -"ستاد بحران"', synonyms).excluded).to.deep.equal([['تهران'], ['ستاد', 'بحران']]);
    expect(parseQuery('زلزله - تهران', synonyms).excluded).to.deep.equal([]);
    expect(parseQuery('پیش-نویس', synonyms).excluded).to.deep.equal([]);
    const onlyExcluded = parseQuery('-تهران');
    expect(onlyExcluded.clauses).to.deep.equal([]);
    expect(onlyExcluded.excluded).to.deep.equal([['تهران']]);
  });

  it('treats an unclosed quote and other syntax as plain text', function () {
    expect(clauses('"کتاب مفید').map((c) => c.tokens)).to.deep.equal([['کتاب'], ['مفید']]);
    expect(clauses('NEAR(کتاب) title:مفید*').map((c) => c.tokens)).to.deep.equal([['near'], ['کتاب'], ['title'], ['مفید']]);
    expect(parseQuery('"" « » -', synonyms)).to.deep.equal({ clauses: [], excluded: [] });
  });

  it('drops stop words, unless the words are all stop words and there is no phrase', function () {
    expect(clauses('گزارش درباره سیل در مشهد').map((c) => c.tokens[0])).to.deep.equal(['گزارش', 'سیل', 'مشهد']);
    expect(clauses('در و از').map((c) => c.tokens[0])).to.deep.equal(['در', 'و', 'از']);
    expect(clauses('درباره "سیل بهاری"').map((c) => c.tokens)).to.deep.equal([['سیل', 'بهاری']]);
  });

  it('recognises a synonym by its words, its parts joined, or its stem, and attaches the other terms', function () {
    const byWords = parseQuery('گرد و غبار اهواز', synonyms).clauses;
    expect(byWords[0]).to.deep.include({ tokens: ['گرد', 'و', 'غبار'], synonyms: [['ریزگرد'], ['dust', 'storm']] });
    expect(byWords[1]!.tokens).to.deep.equal(['اهواز']);
    const joined = parseQuery('زمین لرزه', synonyms).clauses;
    expect(joined).to.have.length(1);
    expect(joined[0]).to.deep.include({ tokens: ['زمین', 'لرزه'], term: ['زمینلرزه'] });
    const byStem = parseQuery('زلزله‌ها', synonyms).clauses[0]!;
    expect(byStem.term).to.deep.equal(['زلزله']);
    expect(byStem.synonyms).to.deep.equal([['زمینلرزه'], ['earthquake']]);
    expect(parseQuery('earthquakes', synonyms).clauses[0]!.synonyms).to.deep.equal([['زلزله'], ['زمینلرزه']]);
  });

  it('never reads more than 24 words', function () {
    expect(parseQuery(Array.from({ length: 40 }, (_, i) => `واژه${i}`).join(' ')).clauses).to.have.length(24);
  });
});
