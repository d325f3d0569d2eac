/**
 * Light Persian stemming, measured: search/persian.ts `stem` against the Snowball Persian stemmer of
 * the npm package `multilingual-stemmer` (WebAssembly; it declares Node ≥ 22 and loads on Node 20),
 * on the test set of test/search/stemming-cases.ts. Both get the same normalized words.
 *
 *   npx tsx bench/stemmers.ts      (multilingual-stemmer is not a dependency: `npm install --no-save multilingual-stemmer@2` first)
 *
 * Printed per stemmer: the share of pairs within a group that get one stem (conflation, higher is
 * better) and the pairs of different words given one stem (false conflations, lower is better).
 */
import { normalizeQueryText, stem } from '../search/persian';
import { DIFFERENT_STEMS, SAME_STEM } from '../test/search/stemming-cases';

type Stemmer = (word: string) => string;

function measure(name: string, stemmer: Stemmer): void {
  const s = (word: string): string => stemmer(normalizeQueryText(word));
  let pairs = 0;
  let conflated = 0;
  const missed: string[] = [];
  for (const group of SAME_STEM) {
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        pairs++;
        if (s(group[i]!) === s(group[j]!)) conflated++;
        else missed.push(`${group[i]} (${s(group[i]!)}) ≠ ${group[j]} (${s(group[j]!)})`);
      }
    }
  }
  const wrong = DIFFERENT_STEMS.filter(([a, b]) => s(a) === s(b)).map(([a, b]) => `${a} = ${b} (${s(a)})`);
  process.stdout.write(
    `| ${name} | ${conflated}/${pairs} = ${((conflated / pairs) * 100).toFixed(0)} % | ${wrong.length}/${DIFFERENT_STEMS.length} |\n`,
  );
  if (process.argv.includes('--verbose')) process.stdout.write(`  missed: ${missed.join('; ')}\n  false: ${wrong.join('; ')}\n`);
}

async function main(): Promise<void> {
  process.stdout.write('| stemmer | conflated pairs | false conflations |\n|---|---:|---:|\n');
  measure('search/persian.ts (rules + lexicon)', stem);
  try {
    const snowball = (await import('multilingual-stemmer' as string)) as { persian: Stemmer; english: Stemmer };
    measure('multilingual-stemmer (Snowball persian; english for Latin words)', (word) => (/^[a-z]+$/.test(word) ? snowball.english(word) : snowball.persian(word)));
  } catch (error) {
    process.stdout.write(`multilingual-stemmer: not installed (${(error as Error).message.split('\n')[0]})\n`);
  }
}

void main();
