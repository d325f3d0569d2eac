import type { FileTypeId } from '../../documents/file-type';

/** Persian names of the file formats the portal accepts (the allowlist of server/documents/file-type.ts), and how a file is described in lists. */
export const files = {
  type: {
    pdf: 'PDF',
    doc: 'Word',
    docx: 'Word',
    xls: 'Excel',
    xlsx: 'Excel',
    ppt: 'PowerPoint',
    pptx: 'PowerPoint',
    odt: 'متن OpenDocument',
    ods: 'جدول OpenDocument',
    odp: 'ارائهٔ OpenDocument',
    txt: 'متن ساده',
    md: 'متن Markdown',
    csv: 'جدول CSV',
    html: 'صفحهٔ HTML',
    jpeg: 'تصویر JPEG',
    png: 'تصویر PNG',
    tiff: 'تصویر TIFF',
    mp4: 'ویدئوی MP4',
    other: 'پرونده',
  } satisfies Record<FileTypeId, string>,
  /** «PDF · ۲٫۳ مگابایت» */
  label: '{type} · {size}',
  /** For screen readers, before the file name in a list row. */
  fileName: 'نام پرونده:',
} as const;
