import { eventually } from '../support/eventually';
import { DRIVERS, FaultRig, printSummary } from './support/fault-rig';
import { SteadyLoad } from './support/load';
import { seedShop } from './support/shop';

const RATE_PER_SECOND = 80;
const KILLS = 3;

afterAll(() => FaultRig.cleanupAll());

describe.each(DRIVERS)('the API process is SIGKILLed under load (%s)', (driver) => {
  it('keeps every order that got a 202, settles it, and goes on after a restart', async () => {
    const rig = await FaultRig.create('api_kill', driver);
    await rig.run(async () => {
      await rig.startWorker();
      const api = await rig.startApi();
      const shop = await seedShop(rig.baseUrl);
      const load = new SteadyLoad(rig.baseUrl, shop, { ratePerSecond: RATE_PER_SECOND });
      const grows = (count: number) => {
        const target = load.accepted.size + count;
        return eventually(() => expect(load.accepted.size).toBeGreaterThanOrEqual(target), {
          timeoutMs: 60_000,
          intervalMs: 50,
        });
      };

      load.start();
      const unsettled: number[] = [];
      const requestsCut: number[] = [];
      let restarted = Date.now();
      let current = api;
      for (let kill = 0; kill < KILLS; kill += 1) {
        await grows(200);
        requestsCut.push(load.inFlight);
        current.process.kill('SIGKILL');
        await current.process.exited;
        unsettled.push((await rig.probe.progress([...load.accepted])).unsettled);
        restarted = Date.now();
        current = await rig.startApi();
      }
      await grows(200);
      await load.stop();

      expect(load.refused).toBe(0);
      expect(load.abandoned).toBe(0);
      const answered = SteadyLoad.tally(load.answers);
      expect(answered['500']).toBeUndefined();
      const ids = [...load.accepted];
      await rig.probe.waitSettled(ids, 120_000);
      // Each order sent is stored once, retries and all: none lost, none doubled.
      expect(await rig.probe.orderCount()).toBe(ids.length);
      const settleMs = Date.now() - restarted;
      const audit = await rig.audit();

      printSummary({
        fault: 'api-sigkill',
        driver,
        // The orders in flight when an API dies are its requests under way.
        inFlight: requestsCut.reduce((sum, count) => sum + count, 0),
        accepted: ids.length,
        settled: ids.length,
        settleMs,
        audit,
        notes: `${KILLS} kills at ${RATE_PER_SECOND} orders/s, requests cut at each ${JSON.stringify(requestsCut)}, accepted orders unsettled at each ${JSON.stringify(unsettled)}; answers ${JSON.stringify(answered)}`,
      });
    });
  });
});
