import { open } from 'node:fs/promises';
import type { Extractor } from './extraction-context';
import { TesseractOcr } from './ocr';

/**
 * JPEG, PNG and TIFF through tesseract (fas+eng) when it is installed; a multi-page TIFF gives one page per
 * image. Without tesseract the result is one empty page and the warning 'OCR not available'.
 */

/** Larger images are not read: a small file can declare an enormous bitmap. */
const MAX_OCR_PIXELS = 100_000_000;

export const extractImage: Extractor = async (input, context) => {
  const ocr = await TesseractOcr.find();
  if (!ocr) {
    context.warn('OCR not available');
    context.collector.add(1, '');
    return 'none';
  }
  if (ocr.limitation) context.warn(ocr.limitation);
  const size = await imageSize(input.path);
  if (size && size.width * size.height > MAX_OCR_PIXELS) {
    context.warn(`image of ${size.width}×${size.height} pixels is too large for OCR`);
    context.collector.add(1, '');
    return 'none';
  }
  const read = await ocr.recognize(input.path, context);
  if (!read.ok) {
    context.warn(`OCR failed: ${read.why}`);
    context.collector.add(1, '');
    return 'ocr';
  }
  read.pages.forEach((text, index) => context.collector.add(index + 1, text));
  return 'ocr';
};

type Size = { width: number; height: number };

/** Width and height from a PNG or JPEG header; undefined for other files (tesseract then decides). */
export async function imageSize(path: string): Promise<Size | undefined> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(256 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return sizeFromHeader(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

function sizeFromHeader(head: Buffer): Size | undefined {
  if (head.length >= 24 && head.readUInt32BE(0) === 0x89504e47 && head.toString('latin1', 12, 16) === 'IHDR') {
    return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  }
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xd8) {
    let offset = 2;
    while (offset + 9 < head.length) {
      if (head[offset] !== 0xff) return undefined;
      const marker = head[offset + 1]!;
      if (marker === 0xff) {
        offset++;
        continue;
      }
      const length = head.readUInt16BE(offset + 2);
      // SOF0–SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: head.readUInt16BE(offset + 5), width: head.readUInt16BE(offset + 7) };
      }
      offset += 2 + length;
    }
  }
  return undefined;
}
