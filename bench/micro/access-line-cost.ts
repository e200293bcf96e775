/**
 * What the access line costs a request, in CPU: the service's logger writing LINES access lines
 * of the shape the AccessLog middleware writes, through the buffered asynchronous destination it
 * uses, and through pino's synchronous default for comparison. Run it with
 *   node -r ./test/support/run-typescript.cjs bench/micro/access-line-cost.ts [file]
 * (the lines go to /dev/null unless a file is named).
 */
import { randomUUID } from 'node:crypto';
import { openSync } from 'node:fs';
import pino from 'pino';
import { PinoLogger } from '../../src/adapters/system/pino-logger';

const LINES = 200_000;
const ROUNDS = 3;
// Opened here, as the service's stdout is open before it starts: the destination is ready at once.
const dest = openSync(process.argv[2] ?? '/dev/null', 'w');

function cpuMicrosPerLine(destination: pino.DestinationStream & { flushSync(): void }): number {
  const logger = new PinoLogger(pino({ base: { service: 'order-service' } }, destination));
  const requestId = randomUUID();
  const started = process.cpuUsage();
  for (let index = 0; index < LINES; index += 1) {
    logger.info('request', {
      requestId,
      method: 'GET',
      route: '/products/:id',
      status: 200,
      durationMs: 0.42,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
  }
  destination.flushSync();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / LINES;
}

const buffered = () =>
  pino.destination({ dest, sync: false, minLength: 4096, periodicFlush: 1000 });
const synchronous = () => pino.destination({ dest, sync: true });

for (let round = 1; round <= ROUNDS; round += 1) {
  const figures = {
    round,
    bufferedMicrosPerLine: cpuMicrosPerLine(buffered()).toFixed(2),
    synchronousMicrosPerLine: cpuMicrosPerLine(synchronous()).toFixed(2),
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
