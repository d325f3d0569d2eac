import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { buildStores } from '../wire';
import { AuditLog } from '../audit/audit.log';
import { CommandError, openPortalDatabase, runCommand } from './command';
import { StoredObjectsRepository } from './stored-objects.repository';
import { StorageMigration } from './storage-migration.service';

const USAGE = 'usage: npm run storage:migrate -- --to minio|fs [--delete-source]';

/**
 * `npm run storage:migrate -- --to minio|fs [--delete-source]`, with the portal's environment (MINIO_* set
 * for either direction). Exit 0: everything moved; 1: some files could not be moved (listed); 3: files were
 * uploaded after the last pass and are still in the old store (run it again: it copies only those).
 */
runCommand(async () => {
  let args;
  try {
    args = parseArgs({ options: { to: { type: 'string' }, 'delete-source': { type: 'boolean', default: false } }, strict: true }).values;
  } catch (error) {
    throw new CommandError(`${(error as Error).message}\n${USAGE}`, 2);
  }
  if (args.to !== 'minio' && args.to !== 'fs') throw new CommandError(USAGE, 2);
  const config = loadConfig();
  if (!config.minio) throw new CommandError('MINIO_ENDPOINT, MINIO_ACCESS_KEY and MINIO_SECRET_KEY must be set for storage:migrate, in either direction', 2);
  const db = openPortalDatabase(config.dataDir);
  try {
    const objects = new StoredObjectsRepository(db);
    const migration = new StorageMigration(objects, buildStores(config, false), new AuditLog(db), (line) => console.error(line));
    const report = await migration.run({ to: args.to, deleteSource: args['delete-source'] });
    console.error(
      `${report.moved} versions now read from ${report.to} (${report.copied} copied, ${(report.copiedBytes / 1024 ** 2).toFixed(1)} MB; ` +
        `${report.resumed} copied by an earlier run); every copy's SHA-256 was checked.`,
    );
    console.error(
      args['delete-source']
        ? `${report.deletedFromSource} files deleted from ${report.from}, each only after its copy in ${report.to} was verified and recorded.`
        : `Nothing was deleted from ${report.from}; to free that space, run the command again with --delete-source.`,
    );
    for (const problem of report.problems) console.error(`not moved: ${problem}`);
    if (report.problems.length > 0) return 1;
    if (report.remaining > 0) {
      console.error(`${report.remaining} versions are still in ${report.from} (uploaded at the very end): run the command again; it copies only those.`);
      return 3;
    }
    console.error(`Every stored version is in ${report.to}: set STORAGE=${report.to} before the portal's next start.`);
    return 0;
  } finally {
    db.close();
  }
});
