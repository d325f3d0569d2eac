import { ConfigError, loadConfig } from './config';
import { createApp } from './app';
import { ensureFirstUser, wire } from './wire';
import { queueRebuildIfEmpty } from './search/rebuild';

async function main(): Promise<void> {
  const config = loadConfig();
  const services = await wire(config);
  await ensureFirstUser(services, (line) => console.log(line));
  await queueRebuildIfEmpty(services, (line) => console.log(line));
  const app = createApp(services);
  services.worker.start();
  const server = app.listen(config.port, config.host, () => {
    console.log(`Tajrobe listens on http://${config.host}:${config.port} (storage: ${services.store.kind}, search: ${services.searchIndex.kind}, data: ${config.dataDir})`);
  });
  server.requestTimeout = 0;
  const stop = () => {
    server.close(async () => {
      await services.worker.stop();
      await services.searchIndex.close();
      services.sessions.close();
      services.db.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
