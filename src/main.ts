import 'reflect-metadata';
import { createPino, PinoLogger, type LogOutput } from './adapters/system/pino-logger';
import { ConfigError, loadConfig, type AppConfig } from './config/config';
import { startTracing } from './config/tracing';

function describe(config: AppConfig): Record<string, unknown> {
  return {
    role: config.role,
    store: config.store.driver,
    cache: config.cache.driver,
    queue: config.queue.driver,
    workerConcurrency: config.worker.concurrency,
    tracing: config.tracing.enabled ? config.tracing.protocol : 'off',
  };
}

/** Writes what is buffered, then exits: a line logged just before is never lost. */
function exit(output: LogOutput, code: number): never {
  output.flush();
  process.exit(code);
}

async function main(terminal: boolean): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const output = await createPino('info', terminal);
    output.pino.fatal({ problems: error.problems }, error.message);
    exit(output, 2);
  }
  const output = await createPino(config.logLevel, terminal);
  const logger = new PinoLogger(output.pino);
  try {
    const tracing = await startTracing(config.tracing);
    // Loaded only now, so that tracing, when on, is in place before the drivers are required.
    const { startService } = await import('./config/service');
    if (config.embedded) {
      logger.warn(
        'EMBEDDED MODE: no DATABASE_URL, REDIS_URL or QUEUE_DRIVER is set, so the store, cache and ' +
          'queue live in this process and EVERYTHING IS LOST ON EXIT. Set DATABASE_URL and a queue ' +
          'driver for production (see README).',
      );
    }
    const service = await startService(config, logger, tracing.tracing);
    logger.info('order service started', { ...describe(config), port: service.port });
    // Supervisors and scripts wait for this line: it is not left in the buffer.
    output.flush();

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
          logger.error('graceful shutdown timed out; exiting', {
            afterMs: config.shutdownTimeoutMs,
          });
          exit(output, 1);
        }, config.shutdownTimeoutMs);
        deadline.unref();
        return service
          .stop()
          .then(() => tracing.shutdown())
          .catch((error: unknown) =>
            logger.error('tracing shutdown failed', { error: String(error) }),
          )
          .then(() => exit(output, 0));
      });
    };
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    process.on('SIGINT', () => shutdown('SIGINT'));
  } catch (error) {
    logger.error('order service failed to start', { error: String(error) });
    exit(output, 1);
  }
}

main(process.stdout.isTTY).catch((error: unknown) => {
  // Only a failure to set up logging itself lands here.
  process.stderr.write(
    `${JSON.stringify({ level: 60, msg: 'order service failed to start', error: String(error) })}\n`,
  );
  process.exit(1);
});
