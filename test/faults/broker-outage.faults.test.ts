import { adminToken, bearer } from '../support/tokens';
import { rmSync } from 'node:fs';
import { eventually } from '../support/eventually';
import { httpClient } from '../support/http-client';
import { FaultRig, printSummary, scratchDir } from './support/fault-rig';
import { placeBacklog, SteadyLoad } from './support/load';
import { closeRabbitmqConnections } from '../support/brokers';
import { OwnRedis } from './support/servers';
import { seedShop } from './support/shop';

const BACKLOG = 2000;
const RATE_PER_SECOND = 50;
/** Times the broker closes the RabbitMQ connections during one run. */
const CUTS = 3;

afterAll(() => FaultRig.cleanupAll());

/** Resolves once /ready reports the queue as `status` (and answers at all). */
function queueReadiness(baseUrl: string, status: 'ok' | 'down') {
  const request = httpClient(baseUrl, bearer(adminToken()));
  return eventually(
    async () => {
      const ready = await request('GET', '/ready');
      const queue = ready.body.dependencies?.find((d: { name: string }) => d.name === 'queue');
      expect(queue?.status).toBe(status);
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
}

describe('the broker fails in the middle of a run', () => {
  it('bullmq: Redis restarted EMPTY loses its jobs; the re-publisher recovers every order', async () => {
    const redisDir = scratchDir('redis');
    const redis = await OwnRedis.start(redisDir);
    const rig = await FaultRig.create('redis_restart', 'bullmq', { redisUrl: redis.url });
    rig.onCleanup(async () => {
      await redis.kill();
      rmSync(redisDir, { recursive: true, force: true });
    });
    await rig.run(async () => {
      await rig.startApi();
      const shop = await seedShop(rig.baseUrl);
      const backlog = await placeBacklog(rig.baseUrl, shop, BACKLOG);
      const survivor = await rig.startWorker();
      const stopped = await rig.startWorker();
      const load = new SteadyLoad(rig.baseUrl, shop, { ratePerSecond: RATE_PER_SECOND });
      load.start();
      await rig.probe.waitSettledCount(backlog, BACKLOG / 4, 120_000);

      const { unsettled: inFlight } = await rig.probe.progress([...backlog, ...load.accepted]);
      await redis.kill();
      await queueReadiness(rig.baseUrl, 'down');
      // A graceful stop must not wait for Redis (BullMQ's Worker.close() would, for ever).
      const stopAsked = Date.now();
      const exit = await stopped.process.stop('SIGTERM', 30_000);
      const stopMs = Date.now() - stopAsked;
      expect(exit).toEqual({ code: 0, signal: null });
      const acceptedWhileDown = load.accepted.size;
      await eventually(() => expect(load.accepted.size).toBeGreaterThan(acceptedWhileDown + 50), {
        timeoutMs: 30_000,
      });

      await redis.restart();
      const restarted = Date.now();
      await queueReadiness(rig.baseUrl, 'ok');
      await load.stop();
      expect(survivor.process.running).toBe(true);
      expect(load.refused + load.abandoned).toBe(0);

      const ids = [...backlog, ...load.accepted];
      await rig.probe.waitSettled(ids, 150_000);
      // Each order sent is stored once, retries and all: none lost, none doubled.
      expect(await rig.probe.orderCount()).toBe(ids.length);
      const settleMs = Date.now() - restarted;
      const audit = await rig.audit();
      printSummary({
        fault: 'redis-restart-empty',
        driver: 'bullmq',
        inFlight,
        accepted: ids.length,
        settled: ids.length,
        settleMs,
        audit,
        notes: `worker SIGTERMed while Redis was down exited 0 in ${stopMs} ms; answers ${JSON.stringify(SteadyLoad.tally(load.answers))}`,
      });
    });
  });

  it('rabbitmq: the broker closes the service connections; the adapters reconnect, nothing is lost', async () => {
    const rig = await FaultRig.create('amqp_cut', 'rabbitmq');
    await rig.run(async () => {
      await rig.startApi();
      const shop = await seedShop(rig.baseUrl);
      const backlog = await placeBacklog(rig.baseUrl, shop, BACKLOG);
      await rig.startWorker();
      await rig.startWorker();
      const load = new SteadyLoad(rig.baseUrl, shop, { ratePerSecond: RATE_PER_SECOND });
      load.start();

      const inFlight: number[] = [];
      let closed = 0;
      let restored = Date.now();
      for (let round = 1; round <= CUTS; round += 1) {
        await rig.probe.waitSettledCount(backlog, (BACKLOG * round) / (CUTS + 2), 120_000);
        inFlight.push((await rig.probe.progress([...backlog, ...load.accepted])).unsettled);
        closed += await closeRabbitmqConnections(`${rig.queueName} order queue`);
        await queueReadiness(rig.baseUrl, 'ok');
        restored = Date.now();
      }
      // The API's and both workers' connections, each time.
      expect(closed).toBe(3 * CUTS);
      await load.stop();
      expect(load.refused + load.abandoned).toBe(0);

      const ids = [...backlog, ...load.accepted];
      await rig.probe.waitSettled(ids, 150_000);
      // Each order sent is stored once, retries and all: none lost, none doubled.
      expect(await rig.probe.orderCount()).toBe(ids.length);
      const settleMs = Date.now() - restored;
      const audit = await rig.audit();
      printSummary({
        fault: 'amqp-connections-closed',
        driver: 'rabbitmq',
        inFlight: inFlight[0] ?? 0,
        accepted: ids.length,
        settled: ids.length,
        settleMs,
        audit,
        notes: `${closed} connections closed in ${CUTS} rounds, unsettled at each ${JSON.stringify(inFlight)}; answers ${JSON.stringify(SteadyLoad.tally(load.answers))}`,
      });
    });
  });
});
