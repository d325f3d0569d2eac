import { runExtraction, type ExtractionRequest } from './extraction.runner';
import { ExtractionError, type ExtractionFailure, type ExtractionResult } from './extraction.types';

/**
 * The child process that parses one file: one request over IPC, one answer, exit. The parent enforces the time
 * limit by killing this process group; the heap limit is set on its command line.
 */

export type WorkerRequest = ExtractionRequest;
export type WorkerReply = { ok: true; result: ExtractionResult } | { ok: false; reason: ExtractionFailure; message: string };

function reply(message: WorkerReply): void {
  process.send!(message, () => process.exit(0));
}

function failure(error: unknown): WorkerReply {
  if (error instanceof ExtractionError) return { ok: false, reason: error.reason, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError && /allocation|array buffer|invalid (typed )?array length|string length/i.test(message)) {
    return { ok: false, reason: 'out of memory', message };
  }
  return { ok: false, reason: 'unreadable document', message: `extraction failed: ${message}` };
}

if (process.send) {
  process.once('message', (request: WorkerRequest) => {
    runExtraction(request).then(
      (result) => reply({ ok: true, result }),
      (error: unknown) => reply(failure(error)),
    );
  });
  // Orphaned (the portal went away): stop at once.
  process.once('disconnect', () => process.exit(1));
}
