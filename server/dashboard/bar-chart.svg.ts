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

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

// Small enough that the labels stay legible when a phone scales the chart down to its width.
const WIDTH = 420;
const LABEL_WIDTH = 150;
const VALUE_WIDTH = 44;
const ROW = 26;
const BAR = 18;
const PAD = 8;
const INK = '#1d2733';
const MUTED = '#5b6775';
const AXIS = '#767f88';

/**
 * A horizontal bar chart as inline SVG that reads in the reader's direction: right to left, labels sit on the right
 * and bars grow leftwards; left to right, the mirror image. Each value, in the reader's digits, follows its bar's end.
 * Text carries its direction explicitly, so "start" is the edge a reader begins at in any page.
 * Presentation attributes only (the CSP forbids style attributes).
 */
export function barChartSvg(title: string, bars: readonly Bar[], language: ChartLanguage, fill = '#0b5f7a'): string {
  const rtl = language.dir === 'rtl';
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = PAD * 2 + Math.max(1, bars.length) * ROW;
  const span = WIDTH - LABEL_WIDTH - PAD - VALUE_WIDTH;
  // The bars' base line: the edge between the labels and the bars.
  const base = rtl ? WIDTH - LABEL_WIDTH - PAD : LABEL_WIDTH + PAD;
  const labelX = rtl ? WIDTH - PAD : PAD;
  const direction = rtl ? 'rtl' : 'ltr';
  const rows = bars.map((bar, i) => {
    const y = PAD + i * ROW;
    const length = bar.value === 0 ? 0 : Math.max(2, Math.round((bar.value / max) * span));
    const label = escapeXml(bar.label);
    const value = language.number(bar.value);
    const rectX = rtl ? base - length : base;
    const valueX = rtl ? base - length - 6 : base + length + 6;
    return [
      `<g><title>${label}: ${value}</title>`,
      `<text x="${labelX}" y="${y + BAR - 4}" direction="${direction}" text-anchor="start" fill="${INK}">${label}</text>`,
      `<rect x="${rectX}" y="${y}" width="${length}" height="${BAR}" rx="3" fill="${fill}"/>`,
      `<text class="value" x="${valueX}" y="${y + BAR - 4}" direction="${direction}" text-anchor="start" fill="${INK}">${value}</text></g>`,
    ].join('');
  });
  const empty = bars.length === 0 ? `<text x="${WIDTH / 2}" y="${PAD + BAR}" direction="${direction}" text-anchor="middle" fill="${MUTED}">${escapeXml(language.noData)}</text>` : '';
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
