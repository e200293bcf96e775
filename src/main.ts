import 'reflect-metadata';
import { createPino, PinoLogger } from './adapters/system/pino-logger';
import { ConfigError, loadConfig, type AppConfig } from './config/config';
import { startService } from './config/service';

function describe(config: AppConfig): Record<string, unknown> {
  return {
    role: config.role,
    store: config.store.driver,
    cache: config.cache.driver,
    queue: config.queue.driver,
    workerConcurrency: config.worker.concurrency,
  };
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = new PinoLogger(createPino(config.logLevel));
  if (config.embedded) {
    logger.warn(
      'EMBEDDED MODE: no DATABASE_URL, REDIS_URL or QUEUE_DRIVER is set, so the store, cache and ' +
        'queue live in this process and EVERYTHING IS LOST ON EXIT. Set DATABASE_URL and a queue ' +
        'driver for production (see README).',
    );
  }
  const service = await startService(config, logger);
  logger.info('order service started', { ...describe(config), port: service.port });

  let stopping = false;
  // SIGTERM is an orchestrator's: drain first. SIGINT is a person's Ctrl-C: stop at once.
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (signal === 'SIGTERM') {
      logger.info('draining: /ready answers 503 while requests are still served', {
        drainMs: config.shutdownDrainMs,
      });
    }
    void (signal === 'SIGTERM' ? service.drain() : Promise.resolve()).then(() => {
      logger.info('shutting down gracefully', { signal });
      const deadline = setTimeout(() => {
        logger.error('graceful shutdown timed out; exiting', { afterMs: config.shutdownTimeoutMs });
        process.exit(1);
      }, config.shutdownTimeoutMs);
      deadline.unref();
      return service.stop().then(() => process.exit(0));
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`order service failed to start: ${String(error)}\n`);
  process.exit(1);
});
