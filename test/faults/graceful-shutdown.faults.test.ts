import { eventually } from '../support/eventually';
import { DRIVERS, FaultRig, printSummary } from './support/fault-rig';
import { placeBacklog, SteadyLoad } from './support/load';
import type { ManagedProcess } from './support/processes';
import { seedShop } from './support/shop';

const BACKLOG = 1500;
const RATE_PER_SECOND = 60;
const SHUTDOWN_TIMEOUT_MS = 15_000;
const SHUTDOWN_DRAIN_MS = 2_000;

afterAll(() => FaultRig.cleanupAll());

/** SIGTERM, then the exit and how long it took; SIGKILL only well past the service's own limit. */
async function terminate(managed: ManagedProcess) {
  const asked = Date.now();
  const exit = await managed.stop('SIGTERM', SHUTDOWN_TIMEOUT_MS + 10_000);
  return { ...exit, ms: Date.now() - asked };
}

describe.each(DRIVERS)('SIGTERM under load (%s)', (driver) => {
  it('the API drains (503 at /ready, still serving), the API and the worker exit 0 in time, and every accepted order settles after a restart', async () => {
    const rig = await FaultRig.create('sigterm', driver, {
      env: {
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        SHUTDOWN_DRAIN_MS: String(SHUTDOWN_DRAIN_MS),
      },
    });
    await rig.run(async () => {
      const api = await rig.startApi();
      const shop = await seedShop(rig.baseUrl);
      const backlog = await placeBacklog(rig.baseUrl, shop, BACKLOG);
      const worker = await rig.startWorker();
      const load = new SteadyLoad(rig.baseUrl, shop, { ratePerSecond: RATE_PER_SECOND });
      load.start();
      await rig.probe.waitSettledCount(backlog, BACKLOG / 4, 120_000);

      const inFlight = (await rig.probe.progress([...backlog, ...load.accepted])).unsettled;
      const workerExit = await terminate(worker.process);
      const requestsInFlight = load.inFlight;
      const apiStopping = terminate(api.process);
      // Draining: out of rotation at once, while the load it is still sent is answered.
      await eventually(async () => expect((await fetch(`${rig.baseUrl}/ready`)).status).toBe(503));
      expect((await fetch(`${rig.baseUrl}/health`)).status).toBe(200);
      const apiExit = await apiStopping;
      expect(workerExit).toMatchObject({ code: 0, signal: null });
      expect(apiExit).toMatchObject({ code: 0, signal: null });
      expect(workerExit.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      expect(apiExit.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS);

      await rig.startApi();
      await rig.startWorker();
      const restarted = Date.now();
      const acceptedBefore = load.accepted.size;
      await eventually(() => expect(load.accepted.size).toBeGreaterThan(acceptedBefore + 150), {
        timeoutMs: 60_000,
      });
      await load.stop();
      expect(load.refused + load.abandoned).toBe(0);
      const answered = SteadyLoad.tally(load.answers);
      expect(answered['500']).toBeUndefined();

      const ids = [...backlog, ...load.accepted];
      await rig.probe.waitSettled(ids, 120_000);
      // Each order sent is stored once, retries and all: none lost, none doubled.
      expect(await rig.probe.orderCount()).toBe(ids.length);
      const settleMs = Date.now() - restarted;
      const audit = await rig.audit();
      printSummary({
        fault: 'sigterm-api-and-worker',
        driver,
        inFlight,
        accepted: ids.length,
        settled: ids.length,
        settleMs,
        audit,
        notes: `worker exited ${workerExit.code} in ${workerExit.ms} ms, API exited ${apiExit.code} in ${apiExit.ms} ms with ${requestsInFlight} requests in flight; answers ${JSON.stringify(answered)}`,
      });
    });
  });
});
