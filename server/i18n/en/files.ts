import type { Catalogue } from '../catalogue';

export const files: Catalogue['files'] = {
  type: {
    pdf: 'PDF',
    doc: 'Word',
    docx: 'Word',
    xls: 'Excel',
    xlsx: 'Excel',
    ppt: 'PowerPoint',
    pptx: 'PowerPoint',
    odt: 'OpenDocument text',
    ods: 'OpenDocument spreadsheet',
    odp: 'OpenDocument presentation',
    txt: 'Plain text',
    md: 'Markdown text',
    csv: 'CSV table',
    html: 'HTML page',
    jpeg: 'JPEG image',
    png: 'PNG image',
    tiff: 'TIFF image',
    mp4: 'MP4 video',
    other: 'File',
  },
  label: '{type} · {size}',
  fileName: 'File name:',
};
