import { loadConfig } from '../config';
import { buildStores } from '../wire';
import { BackupService } from './backup.service';
import { CommandError, openPortalDatabase, runCommand } from './command';

/** `npm run backup -- DIR`, with the portal's environment, while the portal runs or not. */
runCommand(async () => {
  const [dir, ...rest] = process.argv.slice(2);
  if (!dir || rest.length > 0) throw new CommandError('usage: npm run backup -- DIR   (DIR new or empty, outside DATA_DIR)', 2);
  const config = loadConfig();
  const db = openPortalDatabase(config.dataDir, { migrate: false });
  try {
    const report = await new BackupService(db, config.dataDir, buildStores(config, false), (line) => console.error(line)).run(dir);
    const { rows, objects, takenAt } = report.manifest;
    console.error(
      `backup of ${takenAt} in ${dir}: ${rows.users} users, ${rows.documents} documents, ${rows.document_versions} versions, ` +
        `${rows.packages} packages, ${rows.resolutions} resolutions, ${rows.audit_log} audit rows; ` +
        `${report.filesCopied} files copied (${(report.bytesCopied / 1024 ** 2).toFixed(1)} MB)` +
        (report.minioVerified > 0 ? `, ${report.minioVerified} files in MinIO verified and listed` : '') +
        `; ${objects.length} SHA-256 checked`,
    );
  } finally {
    db.close();
  }
});
