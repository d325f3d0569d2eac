import { loadConfig } from '../config';
import { buildStores } from '../wire';
import { CommandError, runCommand } from './command';
import { RestoreService } from './restore.service';

/** `npm run restore -- DIR` into the empty DATA_DIR of the portal's environment; then start the portal. */
runCommand(async () => {
  const [dir, ...rest] = process.argv.slice(2);
  if (!dir || rest.length > 0) throw new CommandError('usage: npm run restore -- DIR   (into an empty DATA_DIR)', 2);
  const config = loadConfig();
  const report = await new RestoreService(config.dataDir, buildStores(config, false), (line) => console.error(line)).run(dir);
  const { rows } = report;
  console.error(
    `restored the backup of ${report.manifest.takenAt} into ${config.dataDir}: ${rows.users} users, ${rows.documents} documents, ` +
      `${rows.document_versions} versions, ${rows.packages} packages, ${rows.resolutions} resolutions, ${rows.audit_log} audit rows; ` +
      `${report.filesRestored} files restored with their SHA-256 checked` +
      (report.minioChecked > 0 ? `, ${report.minioChecked} files found in MinIO` : '') +
      '. Start the portal: it rebuilds its search index from the database by itself.',
  );
});
