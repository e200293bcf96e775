import type { Logger } from '../../application/ports/logger';

/** For a queue built without a logger: its failures still reach the process output. */
export const consoleLogger: Logger = {
  info: (message, fields) => console.info(message, fields ?? {}),
  warn: (message, fields) => console.warn(message, fields ?? {}),
  error: (message, fields) => console.error(message, fields ?? {}),
};
