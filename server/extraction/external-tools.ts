import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Command-line tools the extractors use when the machine has them (Debian: poppler-utils, tesseract-ocr, tesseract-ocr-fas). */
export type ToolName = 'pdftotext' | 'pdfinfo' | 'pdftoppm' | 'pdfimages' | 'tesseract';

const found = new Map<string, Promise<string | undefined>>();

/** The absolute path of an executable on PATH, or undefined. */
export function findTool(name: ToolName | string): Promise<string | undefined> {
  let lookup = found.get(name);
  if (!lookup) {
    lookup = searchPath(name);
    found.set(name, lookup);
  }
  return lookup;
}

async function searchPath(name: string): Promise<string | undefined> {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    const candidate = join(folder, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export type ToolRun = {
  stdout: Buffer;
  stderr: string;
  code: number | null;
  timedOut: boolean;
  /** stdout went past maxStdoutBytes; the tool was stopped and stdout holds only the first bytes. */
  outputCapped: boolean;
};

export type ToolOptions = {
  timeoutMs: number;
  maxStdoutBytes: number;
  env?: NodeJS.ProcessEnv;
  /** Aborting kills the tool (SIGKILL) at once; the run then resolves like a timed-out one. */
  signal?: AbortSignal;
};

const STDERR_KEPT = 8 * 1024;

/** Runs a tool without a shell; kills it (SIGKILL) on timeout or when it prints more than allowed. Never rejects for a non-zero exit. */
export function runTool(command: string, args: string[], options: ToolOptions): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    if (options.timeoutMs <= 0) {
      resolve({ stdout: Buffer.alloc(0), stderr: '', code: null, timedOut: true, outputCapped: false });
      return;
    }
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let timedOut = false;
    let outputCapped = false;

    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const onAbort = () => {
      timedOut = true;
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();

    child.stdout.on('data', (chunk: Buffer) => {
      if (outputCapped) return;
      const room = options.maxStdoutBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size += room;
        outputCapped = true;
        child.kill('SIGKILL');
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ stdout: Buffer.concat(chunks, size), stderr, code, timedOut, outputCapped });
    });
  });
}
