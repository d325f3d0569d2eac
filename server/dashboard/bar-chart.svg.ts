export interface Bar {
  label: string;
  value: number;
}

/** What a chart needs from the reader's language: its direction, its digits, and the words for "no data". */
export interface ChartLanguage {
  dir: 'rtl' | 'ltr';
  number(value: number): string;
  noData: string;
}

/** Which of portal.css's bar colours (`--chart-city`, `--chart-kind`, `--chart-year`) a chart's bars take. */
export type ChartSeries = 'city' | 'kind' | 'year';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

// Small enough that the labels stay legible when a phone scales the chart down to its width.
const WIDTH = 420;
const FONT = 14;
const VALUE_WIDTH = 44;
const GAP = 8;
const ROW = 26;
const LINE = 16;
const BAR = 18;
const PAD = 8;
/** The label column takes what its longest line needs, within these bounds; longer labels wrap, then shrink. */
const MIN_LABEL_WIDTH = 60;
const MAX_LABEL_WIDTH = 170;
const MAX_LINES = 2;
/** Colours for a chart shown without the portal's stylesheet; portal.css sets them (light and dark) by class. */
const FALLBACK: Record<ChartSeries, string> = { city: '#0b5f7a', kind: '#1e6b3a', year: '#7a4b0b' };
const INK = '#1d2733';
const MUTED = '#5b6775';
const AXIS = '#767f88';

/**
 * A generous estimate of a line's width at FONT px (Vazirmatn measures 0.42–0.56 em a character for Persian and
 * Latin words, a wider fallback font about 0.6): over-estimating only makes the label column a little wider.
 */
export function estimatedWidth(text: string): number {
  let em = 0;
  for (const char of text) {
    if (/\s/u.test(char)) em += 0.32;
    else if (/[MWmw@%]/.test(char)) em += 0.92;
    else if (/[A-Z]/.test(char)) em += 0.72;
    else em += 0.62;
  }
  return em * FONT;
}

/**
 * A label's lines within `width`: words filled greedily onto at most MAX_LINES lines; what does not fit is cut
 * with an ellipsis (the whole label is the row's tooltip).
 */
export function wrapLabel(label: string, width: number): string[] {
  const words = label.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  for (const [i, word] of words.entries()) {
    const last = lines.length - 1;
    if (last >= 0 && estimatedWidth(`${lines[last]} ${word}`) <= width) lines[last] = `${lines[last]} ${word}`;
    else if (lines.length < MAX_LINES) lines.push(word);
    else {
      lines[last] = `${lines[last]} ${words.slice(i).join(' ')}`;
      break;
    }
  }
  return (lines.length > 0 ? lines : ['']).map((line) => cut(line, width));
}

/** The line, or as much of it as fits in `width` with an ellipsis. */
function cut(line: string, width: number): string {
  if (estimatedWidth(line) <= width) return line;
  const chars = [...line];
  while (chars.length > 1 && estimatedWidth(`${chars.join('')}…`) > width) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/**
 * A horizontal bar chart as inline SVG that reads in the reader's direction: right to left, labels sit on the right
 * and bars grow leftwards; left to right, the mirror image. Each value, in the reader's digits, follows its bar's end.
 * Labels never reach their bars: the label column is as wide as the longest label needs (within bounds, by a
 * generous estimate of its width), a longer label wraps onto a second line, and what still does not fit is cut
 * with an ellipsis (the row's tooltip has it whole).
 * Text carries its direction explicitly, so "start" is the edge a reader begins at in any page.
 * Presentation attributes only (the CSP forbids style attributes); portal.css recolours them by class.
 */
export function barChartSvg(title: string, bars: readonly Bar[], language: ChartLanguage, series: ChartSeries = 'city'): string {
  const rtl = language.dir === 'rtl';
  const direction = rtl ? 'rtl' : 'ltr';
  const max = Math.max(1, ...bars.map((b) => b.value));
  const longestLabel = Math.max(0, ...bars.map((b) => estimatedWidth(b.label)));
  const labelWidth = Math.ceil(Math.min(MAX_LABEL_WIDTH, Math.max(MIN_LABEL_WIDTH, longestLabel)));
  const span = WIDTH - 2 * PAD - labelWidth - GAP - VALUE_WIDTH;
  // The bars' base line: the edge between the labels and the bars.
  const base = rtl ? WIDTH - PAD - labelWidth - GAP : PAD + labelWidth + GAP;
  const labelX = rtl ? WIDTH - PAD : PAD;
  let y = PAD;
  const rows = bars.map((bar) => {
    const lines = wrapLabel(bar.label, labelWidth);
    const height = ROW + (lines.length - 1) * LINE;
    const barY = y + (height - BAR) / 2;
    const length = bar.value === 0 ? 0 : Math.max(2, Math.round((bar.value / max) * span));
    const value = language.number(bar.value);
    const rectX = rtl ? base - length : base;
    const valueX = rtl ? base - length - 6 : base + length + 6;
    const firstBaseline = y + (height - (lines.length - 1) * LINE) / 2 + FONT / 2 - 2;
    const labels = lines.map(
      (line, i) => `<text class="label" x="${labelX}" y="${firstBaseline + i * LINE}" direction="${direction}" text-anchor="start" fill="${INK}">${escapeXml(line)}</text>`,
    );
    y += height;
    return [
      `<g class="row"><title>${escapeXml(bar.label)}: ${value}</title>`,
      ...labels,
      `<rect class="bar bar-${series}" x="${rectX}" y="${barY}" width="${length}" height="${BAR}" rx="3" fill="${FALLBACK[series]}"/>`,
      `<text class="value" x="${valueX}" y="${barY + BAR - 4}" direction="${direction}" text-anchor="start" fill="${INK}">${value}</text></g>`,
    ].join('');
  });
  const height = bars.length === 0 ? PAD * 2 + ROW : y + PAD;
  const empty = bars.length === 0 ? `<text class="empty-note" x="${WIDTH / 2}" y="${PAD + BAR}" direction="${direction}" text-anchor="middle" fill="${MUTED}">${escapeXml(language.noData)}</text>` : '';
  const axisX = rtl ? base + 1 : base - 1;
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" direction="${direction}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title>` +
    `<line class="axis" x1="${axisX}" y1="${PAD / 2}" x2="${axisX}" y2="${height - PAD / 2}" stroke="${AXIS}"/>` +
    rows.join('') +
    empty +
    '</svg>'
  );
}
