import fs from 'node:fs';
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { SearchQuery, Viewer } from '../search-index';
import { FtsConnection } from './connection';
import type { MatcherOptions } from './matcher';
import { FtsReader } from './reader';
import { DocSnapshot } from './snapshot';

/** What a search worker is started with (reader-pool.ts). */
export interface SearchWorkerData {
  file: string;
  options: MatcherOptions;
  synonyms: string[][];
  /** How many nice steps below the portal thread this worker runs. */
  niceness: number;
}

/** A call to a search worker; each is answered once, with the same id. */
export type SearchWorkerCall =
  | { id: number; call: 'search'; viewer: Viewer; query: SearchQuery }
  | { id: number; call: 'related'; viewer: Viewer; entry: string; limit: number }
  | { id: number; call: 'synonyms'; groups: string[][] };

export type SearchWorkerAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; stack?: string };

/**
 * One search worker: a read-only connection to the index and a reader over it. Each search reads in
 * one read transaction, so it sees one state of the index: everything the writer committed before
 * it began (a withdrawal is gone from the next search), nothing half-written.
 */
const data = workerData as SearchWorkerData;
giveWayToThePortal(data.niceness);
const connection = new FtsConnection(data.file);
try {
  connection.openForReading();
} catch (error) {
  // Only a plain Error crosses to the portal's thread with its message (a SqliteError arrives as its code alone).
  const { message, code } = error as Error & { code?: string };
  throw new Error(`a search worker could not open the index ${data.file}: ${message}${code ? ` (${code})` : ''}`);
}
const reader = new FtsReader(connection, new DocSnapshot(() => connection.database()), data.options);
reader.setSynonyms(data.synonyms);

parentPort!.on('message', (message: SearchWorkerCall) => {
  let answer: SearchWorkerAnswer;
  try {
    answer = { id: message.id, ok: true, value: answerTo(message) };
  } catch (error) {
    answer = { id: message.id, ok: false, message: (error as Error).message, stack: (error as Error).stack };
  }
  parentPort!.postMessage(answer);
});

function answerTo(message: SearchWorkerCall): unknown {
  switch (message.call) {
    case 'search':
      return connection.reading(() => reader.search(message.viewer, message.query));
    case 'related':
      return connection.reading(() => reader.related(message.viewer, message.entry, message.limit));
    case 'synonyms':
      reader.setSynonyms(message.groups);
      return null;
  }
}

/**
 * When every core is busy, searches give way to the portal's own thread, which streams uploads and downloads
 * and answers every request: on Linux this thread alone gets a higher nice value (`setpriority` on a thread
 * id). Elsewhere it keeps the portal's priority.
 */
function giveWayToThePortal(niceness: number): void {
  try {
    const threadId = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    os.setPriority(threadId, Math.min(19, os.getPriority(threadId) + niceness));
  } catch {
    // Not Linux, or not allowed: the same priority as the portal.
  }
}
