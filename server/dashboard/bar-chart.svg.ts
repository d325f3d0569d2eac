import { faNumber } from '../http/view-helpers';

export interface Bar {
  label: string;
  value: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const WIDTH = 560;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 50;
const ROW = 26;
const BAR = 18;
const PAD = 8;

/**
 * A horizontal bar chart as inline SVG, laid out right to left: Persian labels on the right, bars growing leftwards,
 * each value in Persian digits at the bar's end. Text is explicitly right to left, so "start" is its right edge in any page. Presentation attributes only (the CSP forbids style attributes).
 */
export function barChartSvg(title: string, bars: readonly Bar[], fill = '#0b5f7a'): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = PAD * 2 + Math.max(1, bars.length) * ROW;
  const barRight = WIDTH - LABEL_WIDTH - PAD;
  const span = barRight - VALUE_WIDTH;
  const rows = bars.map((bar, i) => {
    const y = PAD + i * ROW;
    const length = bar.value === 0 ? 0 : Math.max(2, Math.round((bar.value / max) * span));
    const label = escapeXml(bar.label);
    return [
      `<g><title>${label}: ${faNumber(bar.value)}</title>`,
      `<text x="${WIDTH - PAD}" y="${y + BAR - 4}" direction="rtl" text-anchor="start" fill="#1d2733">${label}</text>`,
      `<rect x="${barRight - length}" y="${y}" width="${length}" height="${BAR}" rx="3" fill="${fill}"/>`,
      `<text class="value" x="${barRight - length - 6}" y="${y + BAR - 4}" direction="rtl" text-anchor="start" fill="#1d2733">${faNumber(bar.value)}</text></g>`,
    ].join('');
  });
  const empty = bars.length === 0 ? `<text x="${WIDTH / 2}" y="${PAD + BAR}" text-anchor="middle" fill="#5b6775">داده‌ای نیست</text>` : '';
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" direction="rtl" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${escapeXml(title)}">` +
    `<title>${escapeXml(title)}</title>` +
    `<line class="axis" x1="${barRight + 1}" y1="${PAD / 2}" x2="${barRight + 1}" y2="${height - PAD / 2}" stroke="#9aa5ad"/>` +
    rows.join('') +
    empty +
    '</svg>'
  );
}
