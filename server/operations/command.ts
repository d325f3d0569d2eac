import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config';
import { COMMAND_BUSY_TIMEOUT_MS, openDatabase, type Db } from '../db/database';

/** The portal's metadata database, for a command run with the portal's environment (beside it or not). */
export function openPortalDatabase(dataDir: string, options: { migrate?: boolean } = {}): Db {
  const file = databaseFile(dataDir);
  if (!fs.existsSync(file)) throw new CommandError(`there is no portal database in ${dataDir} (DATA_DIR): nothing to work on`);
  return openDatabase(file, { busyTimeoutMs: COMMAND_BUSY_TIMEOUT_MS, migrate: options.migrate });
}

export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'tajrobe.sqlite');
}

/** A refusal a command explains in one sentence (no stack trace). */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/** Runs a command's main: a known refusal prints its message, anything else in full; the exit code says which. */
export function runCommand(main: () => Promise<number | void>): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      if (error instanceof CommandError) {
        console.error(error.message);
        process.exit(error.exitCode);
      }
      console.error(error instanceof ConfigError ? error.message : error);
      process.exit(1);
    },
  );
}
