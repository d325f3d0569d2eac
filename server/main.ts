import { ConfigError, loadConfig } from './config';
import { createApp } from './app';
import { ensureFirstUser, wire } from './wire';
import { queueRebuildIfEmpty } from './search/rebuild';
import { createHttpServer } from './http/http-server';
import { stopPortal } from './operations/stop';

async function main(): Promise<void> {
  const config = loadConfig();
  const services = await wire(config);
  await ensureFirstUser(services, (line) => console.log(line));
  await queueRebuildIfEmpty(services, (line) => console.log(line));
  const app = createApp(services);
  services.worker.start();
  const server = createHttpServer(app);
  server.listen(config.port, config.host, () => {
    console.log(`Tajrobe listens on http://${config.host}:${config.port} (storage: ${services.store.kind}, search: ${services.searchIndex.kind}, data: ${config.dataDir})`);
  });

  // Every signal is handled, not just the first: `npm start` and `docker stop` may each deliver one,
  // and a second one must not cut what the first one lets finish.
  let stopping: Promise<void> | null = null;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`${signal}: the stop under way goes on (${services.shutdown.requestsInFlight} requests in flight)`);
      return;
    }
    console.log(`${signal}: stopping; requests in flight have ${config.shutdownGraceMs / 1000} s to finish`);
    stopping = stopPortal(services, server, config.shutdownGraceMs, (line) => console.log(line)).then(
      ({ cut }) => process.exit(cut > 0 ? 1 : 0),
      (error: unknown) => {
        console.error('the stop failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// A promise nobody awaited must not take every request in flight down with it: it is logged as the bug it is.
process.on('unhandledRejection', (reason) => {
  console.error('unhandled rejection (the portal keeps running):', reason);
});

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
