import type { Logger } from '../application/ports/logger';

/**
 * Shutdown as an explicit stack: resources are pushed as they are opened and closed in reverse,
 * so HTTP stops before the consumers, the consumers before the queues, the queues before Redis
 * and MySQL.
 */
export class Disposers {
  private readonly stack: { name: string; dispose: () => Promise<void> }[] = [];

  push(name: string, dispose: () => Promise<void>): void {
    this.stack.push({ name, dispose });
  }

  async disposeAll(logger: Logger): Promise<void> {
    for (const { name, dispose } of this.stack.splice(0).reverse()) {
      try {
        await dispose();
        logger.info('closed', { resource: name });
      } catch (error) {
        logger.error('close failed', { resource: name, error: String(error) });
      }
    }
  }
}
