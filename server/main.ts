import { ConfigError, loadConfig } from './config';
import { createApp } from './app';
import { ensureFirstUser, wire } from './wire';
import { queueRebuildIfEmpty } from './search/rebuild';
import { createHttpServer } from './http/http-server';
import { stopPortal } from './operations/stop';
import { createLogger, logLines } from './observability/logger';
import { PortalMetrics } from './observability/metrics';

// The log is JSON on stdout from the first line; LOG_LEVEL applies once the configuration is read.
const logger = createLogger({ level: 'info' });

async function main(): Promise<void> {
  const config = loadConfig();
  logger.level = config.logLevel;
  const info = logLines(logger, 'info');
  const services = await wire(config, undefined, { logger, metrics: new PortalMetrics({ processMetrics: true }) });
  // A generated password is for the operator's eyes once: on stderr as plain text, never in the JSON log.
  await ensureFirstUser(services, info, (line) => process.stderr.write(`${line}\n`));
  await queueRebuildIfEmpty(services, info);
  const app = createApp(services);
  services.worker.start();
  const server = createHttpServer(app);
  server.listen(config.port, config.host, () => {
    logger.info(
      { host: config.host, port: config.port, storage: services.store.kind, search: services.searchIndex.kind, dataDir: config.dataDir },
      `Tajrobe listens on http://${config.host}:${config.port} (storage: ${services.store.kind}, search: ${services.searchIndex.kind}, data: ${config.dataDir})`,
    );
  });

  // Every signal is handled, not just the first: `npm start` and `docker stop` may each deliver one,
  // and a second one must not cut what the first one lets finish.
  let stopping: Promise<void> | null = null;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.info({ signal, requestsInFlight: services.shutdown.requestsInFlight }, `${signal}: the stop under way goes on (${services.shutdown.requestsInFlight} requests in flight)`);
      return;
    }
    logger.info({ signal, graceSeconds: config.shutdownGraceMs / 1000 }, `${signal}: stopping; requests in flight have ${config.shutdownGraceMs / 1000} s to finish`);
    stopping = stopPortal(services, server, config.shutdownGraceMs, info).then(
      ({ cut }) => process.exit(cut > 0 ? 1 : 0),
      (error: unknown) => {
        logger.error({ err: error }, 'the stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// A promise nobody awaited must not take every request in flight down with it: it is logged as the bug it is.
process.on('unhandledRejection', (reason) => {
  logger.error({ err: reason }, 'unhandled rejection (the portal keeps running)');
});

main().catch((error: unknown) => {
  if (error instanceof ConfigError) logger.fatal({ problems: error.problems }, error.message);
  else logger.fatal({ err: error }, `the portal could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
