import type { LogFields, Logger } from '../../../src/application/ports/logger';
import { warmUp } from '../../../src/config/warm-up';

class RecordingLogger implements Logger {
  readonly lines: { message: string; fields?: LogFields }[] = [];
  info(message: string, fields?: LogFields): void {
    this.lines.push({ message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ message, fields });
  }
}

describe('warmUp', () => {
  it('runs every step, and a step that fails or never ends does not keep the service from starting', async () => {
    const logger = new RecordingLogger();
    const ran: string[] = [];

    await warmUp(
      [
        { name: 'pool', run: async () => void ran.push('pool') },
        { name: 'broken', run: () => Promise.reject(new Error('refused')) },
        { name: 'stuck', run: () => new Promise<void>(() => {}) },
      ],
      logger,
      10,
    );

    expect(ran).toEqual(['pool']);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]?.fields).toEqual({
      pool: expect.stringMatching(/^\d+ ms$/),
      broken: 'failed: Error: refused',
      stuck: 'gave up after 10 ms',
    });
  });

  it('logs nothing when there is nothing to warm', async () => {
    const logger = new RecordingLogger();
    await warmUp([], logger);
    expect(logger.lines).toEqual([]);
  });
});
