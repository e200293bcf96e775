import pino from 'pino';
import type { LogFields, Logger } from '../../application/ports/logger';

export type PinoInstance = pino.Logger;

export interface LogOutput {
  pino: PinoInstance;
  /** Writes what is buffered now; called before the process exits. */
  flush(): void;
}

/**
 * Bytes buffered before a write: an access line per request would otherwise cost a write(2)
 * per request. What stays below it is written within FLUSH_INTERVAL_MS, and at exit.
 */
const BUFFERED_BYTES = 4096;
const FLUSH_INTERVAL_MS = 1000;

/**
 * JSON lines on stdout, buffered and written asynchronously; pino-pretty's readable lines when
 * stdout is a terminal, where a person reads them and throughput does not matter.
 */
export async function createPino(level: string, terminal: boolean): Promise<LogOutput> {
  const base = { level, base: { service: 'order-service' } };
  if (terminal) {
    const { default: pretty } = await import('pino-pretty');
    return { pino: pino(base, pretty({ sync: true, ignore: 'service' })), flush: () => undefined };
  }
  const destination = pino.destination({
    dest: 1,
    sync: false,
    minLength: BUFFERED_BYTES,
    periodicFlush: FLUSH_INTERVAL_MS,
  });
  return { pino: pino(base, destination), flush: () => destination.flushSync() };
}

export class PinoLogger implements Logger {
  constructor(private readonly pino: PinoInstance) {}

  info(message: string, fields: LogFields = {}): void {
    this.pino.info(fields, message);
  }

  warn(message: string, fields: LogFields = {}): void {
    this.pino.warn(fields, message);
  }

  error(message: string, fields: LogFields = {}): void {
    this.pino.error(fields, message);
  }
}
