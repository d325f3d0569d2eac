import { expect } from 'chai';
import { DEFAULT_LIMITS, extractText, ExtractionError } from '../../server/extraction/extract';
import { ScratchDir } from './extraction-helpers';

async function expectFailure(promise: Promise<unknown>, reason: string): Promise<ExtractionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(ExtractionError);
    expect((error as ExtractionError).reason, (error as Error).message).to.equal(reason);
    return error as ExtractionError;
  }
  expect.fail(`expected an ExtractionError (${reason})`);
}

describe('extractText (isolated worker)', function () {
  this.timeout(60_000);
  let scratch: ScratchDir;
  let small: string;

  before(async () => {
    scratch = await ScratchDir.create();
    small = await scratch.write('small.txt', 'زلزله تهران\n');
  });
  after(async () => scratch.remove());

  it('has the documented defaults', () => {
    expect(DEFAULT_LIMITS).to.deep.equal({ timeoutMs: 120_000, maxMemoryMb: 512, maxPages: 5_000, maxChars: 20_000_000 });
  });

  it('kills the worker and rejects with "timeout" when the time limit expires', async () => {
    const started = Date.now();
    const error = await expectFailure(extractText({ path: small, contentType: 'text/plain', filename: 'small.txt' }, { timeoutMs: 50 }), 'timeout');
    expect(error.message).to.equal('extraction took longer than 50 ms');
    expect(Date.now() - started).to.be.below(5_000);
  });

  it('rejects with "out of memory" when the worker exceeds its heap limit', async () => {
    const large = await scratch.write('large.txt', 'زلزله تهران\n\n'.repeat(1_000_000));
    // The same limit is enough for a small file: the failure comes from the file, not from starting the worker.
    const fine = await extractText({ path: small, contentType: 'text/plain', filename: 'small.txt' }, { maxMemoryMb: 24 });
    expect(fine.pages).to.have.length(1);
    await expectFailure(extractText({ path: large, contentType: 'text/plain', filename: 'large.txt' }, { maxMemoryMb: 24 }), 'out of memory');
  });

  it('rejects a missing file with "file not found"', async () => {
    await expectFailure(extractText({ path: scratch.file('nope.pdf'), contentType: 'application/pdf', filename: 'nope.pdf' }), 'file not found');
  });

  it('refuses nonsense limits', async () => {
    let caught: unknown;
    try {
      await extractText({ path: small, contentType: 'text/plain', filename: 'small.txt' }, { maxChars: 0 });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(RangeError);
  });

  it('says that legacy binary Office files are not read', async () => {
    const ole = Buffer.alloc(1024);
    Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(ole);
    for (const [extension, contentType] of [
      ['doc', 'application/msword'],
      ['xls', 'application/vnd.ms-excel'],
      ['ppt', 'application/vnd.ms-powerpoint'],
    ] as const) {
      const path = await scratch.write(`old.${extension}`, ole);
      const result = await extractText({ path, contentType, filename: `old.${extension}` });
      expect(result).to.deep.equal({ pages: [], method: 'none', warnings: ['legacy binary format: text not extracted'] });
    }
  });

  it('reads no text from a video', async () => {
    const path = await scratch.write('clip.mp4', Buffer.from('\0\0\0\x18ftypmp42\0\0\0\0mp42isom', 'latin1'));
    const result = await extractText({ path, contentType: 'video/mp4', filename: 'clip.mp4' });
    expect(result).to.deep.equal({ pages: [], method: 'none', warnings: [] });
  });

  it('falls back to the extension for a generic content type, and reports an unknown type', async () => {
    const byName = await extractText({ path: small, contentType: 'application/octet-stream', filename: 'small.txt' });
    expect(byName.method).to.equal('text');
    expect(byName.pages[0]!.text).to.equal('زلزله تهران');

    const unknown = await extractText({ path: small, contentType: 'application/x-unknown', filename: 'small.bin' });
    expect(unknown).to.deep.equal({ pages: [], method: 'none', warnings: ['no text extractor for application/x-unknown'] });
  });

  it('reports an empty text file as having no text', async () => {
    const path = await scratch.write('blank.txt', '\n\n  \n');
    const result = await extractText({ path, contentType: 'text/plain', filename: 'blank.txt' });
    expect(result).to.deep.equal({ pages: [], method: 'text', warnings: ['no text found'] });
  });

  it('runs extractions side by side', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => scratch.write(`p${i}.txt`, `صفحه ${i}`).then((path) => extractText({ path, contentType: 'text/plain', filename: `p${i}.txt` }))),
    );
    expect(results.map((result) => result.pages[0]!.text)).to.deep.equal(['صفحه 0', 'صفحه 1', 'صفحه 2', 'صفحه 3']);
  });
});
