import { setTimeout as sleep } from 'node:timers/promises';
import { isDatabaseBusy } from '../db/database';

/**
 * Runs a database step of a command, trying again while another process holds the database (each try
 * already waits the command's busy timeout), so a long admin query delays a command but does not fail it.
 */
export async function whileBusy<T>(step: () => T, attempts = 30, pauseMs = 1_000): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return step();
    } catch (error) {
      if (!isDatabaseBusy(error) || attempt >= attempts) throw error;
      await sleep(pauseMs);
    }
  }
}
