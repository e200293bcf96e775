import pino from 'pino';
import type { LogFields, Logger } from '../../application/ports/logger';

export type PinoInstance = pino.Logger;

export function createPino(level: string): PinoInstance {
  return pino({ level, base: { service: 'order-service' } });
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
