import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'minio';
import { parseMinioEndpoint } from '../../storage/minio-object-store';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The portal's environment for a child process: nothing of the test's own settings but PATH, HOME and what is given. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, NPM_CONFIG_UPDATE_NOTIFIER: 'false', NPM_CONFIG_FUND: 'false', ...env };
}

export interface RunningCommand {
  child: ChildProcess;
  done: Promise<CommandResult>;
  /** Signals npm and everything it started (its own process group), as a terminal's Ctrl-C or a kill of the session would. */
  kill(signal: NodeJS.Signals): void;
}

/** `npm run <script> -- <args>` in the project, as an operator types it, in its own process group. */
export function npmRun(script: string, args: string[], env: Record<string, string>): RunningCommand {
  const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  return {
    child,
    done: collect(child),
    kill(signal) {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    },
  };
}

export function collect(child: ChildProcess): Promise<CommandResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function until<T>(check: () => T | Promise<T>, timeoutMs = 30_000, what = 'the condition'): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function sha256(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface StreamedUpload {
  /** The answer, even when the server answered before it read the whole body. */
  response: Promise<RawResponse>;
  /** SHA-256 of the file part sent. */
  sha256: string;
}

/**
 * A multipart upload sent with `Transfer-Encoding: chunked` (no Content-Length), the file in `chunkBytes`
 * pieces with `pauseMs` between them: a slow line, or a body too large to declare.
 */
export function streamUpload(options: {
  port: number;
  path: string;
  headers: Record<string, string>;
  fields: Record<string, string | string[]>;
  file: Buffer;
  filename: string;
  chunkBytes?: number;
  pauseMs?: number;
  agent?: http.Agent;
  onFirstChunk?: () => void;
}): StreamedUpload {
  const boundary = `----tajrobe${crypto.randomBytes(8).toString('hex')}`;
  const head: Buffer[] = [];
  for (const [name, value] of Object.entries(options.fields)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      head.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${v}\r\n`));
    }
  }
  head.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${encodeURIComponent(options.filename)}; filename="${options.filename.replace(/[^\x20-\x7e]/g, '_')}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunkBytes = options.chunkBytes ?? 1024 * 1024;
  const pauseMs = options.pauseMs ?? 0;
  const response = new Promise<RawResponse>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port: options.port,
      path: options.path,
      method: 'POST',
      agent: options.agent,
      headers: { ...options.headers, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Transfer-Encoding': 'chunked' },
    });
    let answered = false;
    req.once('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.once('error', (error) => {
      if (!answered) reject(error);
    });
    void (async () => {
      const write = (bytes: Buffer) =>
        new Promise<void>((done) => {
          if (req.destroyed || answered) return done();
          if (req.write(bytes)) done();
          else req.once('drain', done);
        });
      await write(Buffer.concat(head));
      for (let offset = 0; offset < options.file.length; offset += chunkBytes) {
        if (req.destroyed || answered) return;
        await write(options.file.subarray(offset, offset + chunkBytes));
        if (offset === 0) options.onFirstChunk?.();
        if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      }
      if (!req.destroyed && !answered) req.end(tail);
    })();
  });
  return { response, sha256: sha256(options.file) };
}

/** A MinIO server from the environment (`source .ci/minio.sh`), or why there is none: a skip, or a failure under CI. */
export function minioFromEnv(context: Mocha.Context, what: string): { endpoint: string; accessKey: string; secretKey: string; client: Client } {
  const endpoint = process.env.MINIO_ENDPOINT;
  if (!endpoint) {
    if (process.env.CI === 'true') throw new Error(`MINIO_ENDPOINT is not set: under CI ${what} must run against MinIO`);
    console.log(`    skipped: ${what} needs MinIO; set MINIO_ENDPOINT and its keys (source .ci/minio.sh starts one)`);
    context.skip();
  }
  const accessKey = process.env.MINIO_ACCESS_KEY!;
  const secretKey = process.env.MINIO_SECRET_KEY!;
  return { endpoint: endpoint!, accessKey, secretKey, client: new Client({ ...parseMinioEndpoint(endpoint!), accessKey, secretKey }) };
}

export async function emptyBucket(client: Client, bucket: string): Promise<void> {
  if (!(await client.bucketExists(bucket))) return;
  const names: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) if (item.name) names.push(item.name);
  if (names.length > 0) await client.removeObjects(bucket, names);
  await client.removeBucket(bucket);
}
