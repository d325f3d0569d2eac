import { translator } from '../i18n/index';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeXml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/**
 * What a thumbnail or a page shows when the file cannot be drawn: a sheet with a broken corner and "no preview
 * available" in Persian and English (an image is cached and shared, so it says it in both; the page around it
 * says it in the reader's language). Presentation attributes only: the portal's CSP forbids styles in it.
 */
export function placeholderSvg(): string {
  const fa = escapeXml(translator('fa')('previews.placeholder'));
  const en = escapeXml(translator('en')('previews.placeholder'));
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 400" width="300" height="400" role="img" aria-label="${fa} · ${en}">
<title>${fa} · ${en}</title>
<rect x="0" y="0" width="300" height="400" fill="#f5f6f8"/>
<path d="M70 60h120l40 40v240H70z" fill="#fff" stroke="#8a94a0" stroke-width="4" stroke-linejoin="round"/>
<path d="M190 60v40h40" fill="none" stroke="#8a94a0" stroke-width="4" stroke-linejoin="round"/>
<path d="M120 170l60 60M180 170l-60 60" stroke="#a4262c" stroke-width="8" stroke-linecap="round"/>
<text x="150" y="290" text-anchor="middle" direction="rtl" font-family="Vazirmatn, Tahoma, 'DejaVu Sans', sans-serif" font-size="17" fill="#1d2733">${fa}</text>
<text x="150" y="318" text-anchor="middle" direction="ltr" font-family="system-ui, 'DejaVu Sans', sans-serif" font-size="15" fill="#56616e">${en}</text>
</svg>
`;
}
