/** A cell a spreadsheet would run as a formula starts with one of these (or a tab / carriage return). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell: formula-looking text defused with a leading quote, then quoted when it holds a comma, quote or line break. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Excel reads a UTF-8 file as UTF-8 (and shows Persian) only when it starts with the byte order mark. */
export const UTF8_BOM = '\uFEFF';
