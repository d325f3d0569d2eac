import crypto from 'node:crypto';
import http from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface MultipartUpload {
  /** Where to POST, e.g. http://127.0.0.1:3000/api/v1/documents. */
  url: URL;
  token: string;
  /** The form's text fields, in order (a name may repeat). */
  fields: [string, string][];
  file: { name: string; contentType: string; size: number; bytes: AsyncIterable<Buffer> | Iterable<Buffer> };
  signal?: AbortSignal;
}

export interface MultipartAnswer {
  status: number;
  text: string;
  /** From the request until the whole answer arrived. */
  seconds: number;
  /** Why the body could not be sent to the end (a refusal may arrive before it is); undefined when it was. */
  sendError: unknown;
}

/**
 * POSTs a multipart form whose file is streamed as it is generated (never held in memory), with its exact
 * Content-Length, as a city's system would upload it, and reads the answer.
 */
export async function postMultipart(upload: MultipartUpload): Promise<MultipartAnswer> {
  const boundary = `----tajrobe-bench-${crypto.randomBytes(16).toString('hex')}`;
  let head = '';
  for (const [name, value] of upload.fields) head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  head += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${upload.file.name}"\r\nContent-Type: ${upload.file.contentType}\r\n\r\n`;
  const headBytes = Buffer.from(head, 'utf8');
  const tailBytes = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  async function* body() {
    yield headBytes;
    yield* upload.file.bytes;
    yield tailBytes;
  }
  const started = performance.now();
  const req = http.request(upload.url, {
    method: 'POST',
    signal: upload.signal,
    headers: {
      Authorization: `Bearer ${upload.token}`,
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': String(headBytes.length + upload.file.size + tailBytes.length),
      Accept: 'application/json',
    },
  });
  const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.once('error', reject);
    });
    req.once('error', reject);
  });
  const sent = pipeline(Readable.from(body()), req).then(
    () => undefined,
    (error: unknown) => error,
  );
  const { status, text } = await answered;
  const seconds = (performance.now() - started) / 1000;
  return { status, text, seconds, sendError: await sent };
}
