import { fork } from 'node:child_process';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ExtractionError,
  resolveLimits,
  type ExtractionInput,
  type ExtractionLimits,
  type ExtractionResult,
} from './extraction.types';
import type { WorkerReply, WorkerRequest } from './extraction.worker';

export { ExtractionError, DEFAULT_LIMITS } from './extraction.types';
export type { ExtractionInput, ExtractionLimits, ExtractionResult, ExtractedPage, ExtractionFailure } from './extraction.types';

const WORKER_PATH = fileURLToPath(new URL('./extraction.worker.ts', import.meta.url));
/** The worker is TypeScript too: it runs through the same loader as the portal, whoever started the portal. */
const TSX_LOADER = import.meta.resolve('tsx');
/** The worker stops starting new work at this share of the time limit, so it can still hand back what it has. */
const SOFT_DEADLINE_SHARE = 0.85;
const STDERR_KEPT_BYTES = 16 * 1024;
const OUT_OF_MEMORY_SIGNS = ['heap out of memory', 'Reached heap limit', 'Allocation failed', 'Cannot allocate memory'];

export interface ExtractionOptions {
  /** Aborting kills the worker and its tools at once (the portal is stopping); the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Where the worker's temporary files go (the portal keeps them under DATA_DIR); the OS temp folder when unset. */
  tempRoot?: string;
}

/**
 * Extracts the text of a file on disk, page by page. Parsing runs in a child process (its own process group,
 * with a heap limit) that is killed with SIGKILL, together with any tool it started, when the time limit expires,
 * so a hostile file can neither hang nor crash the portal.
 */
export async function extractText(input: ExtractionInput, limits?: ExtractionLimits, options: ExtractionOptions = {}): Promise<ExtractionResult> {
  const resolved = resolveLimits(limits);
  try {
    await access(input.path, constants.R_OK);
  } catch {
    throw new ExtractionError('file not found', `cannot read ${input.path}`);
  }

  const startedAt = Date.now();
  options.signal?.throwIfAborted();
  const tempDir = await mkdtemp(join(options.tempRoot ?? tmpdir(), 'tajrobe-extract-'));
  const request: WorkerRequest = {
    input,
    limits: resolved,
    softDeadline: startedAt + Math.floor(resolved.timeoutMs * SOFT_DEADLINE_SHARE),
    tempDir,
  };
  try {
    return await runWorker(request, options.signal);
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

/** Kills of the workers still running: should the portal itself exit, it takes its extractions with it. */
const running = new Set<() => void>();
process.on('exit', () => {
  for (const kill of running) kill();
});

function runWorker(request: WorkerRequest, signal: AbortSignal | undefined): Promise<ExtractionResult> {
  const resolved = request.limits;
  return new Promise<ExtractionResult>((resolve, reject) => {
    const child = fork(WORKER_PATH, [], {
      execArgv: ['--import', TSX_LOADER, `--max-old-space-size=${resolved.maxMemoryMb}`],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      detached: true,
      env: { ...process.env, NODE_OPTIONS: '' },
    });

    let stderr = '';
    let reply: WorkerReply | undefined;
    let timedOut = false;
    let aborted = false;
    let settled = false;

    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, resolved.timeoutMs);
    running.add(killGroup);
    const onAbort = () => {
      aborted = true;
      killGroup();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();

    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      running.delete(killGroup);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };

    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT_BYTES);
    });
    child.on('message', (message) => {
      reply = message as WorkerReply;
    });
    child.on('error', (error) => finish(() => reject(new ExtractionError('worker crashed', `cannot start the extraction worker: ${error.message}`))));
    // 'close', not 'exit': by then every IPC message has been delivered.
    child.on('close', (code, signal) => {
      // A worker that died without answering may leave tools running in its process group.
      if (!reply) killGroup();
      finish(() => {
        if (aborted) return reject(new DOMException('the extraction was stopped', 'AbortError'));
        if (reply?.ok) return resolve(reply.result);
        if (reply && !reply.ok) return reject(new ExtractionError(reply.reason, reply.message));
        if (timedOut) return reject(new ExtractionError('timeout', `extraction took longer than ${resolved.timeoutMs} ms`));
        if (OUT_OF_MEMORY_SIGNS.some((sign) => stderr.includes(sign))) {
          return reject(new ExtractionError('out of memory', `extraction needed more than ${resolved.maxMemoryMb} MB`));
        }
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        reject(new ExtractionError('worker crashed', `the extraction worker stopped with ${how}: ${lastLine(stderr)}`));
      });
    });

    child.send(request, (error) => {
      if (error) {
        killGroup();
        finish(() => reject(new ExtractionError('worker crashed', `cannot reach the extraction worker: ${error.message}`)));
      }
    });
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).at(-1) ?? 'no message';
}
