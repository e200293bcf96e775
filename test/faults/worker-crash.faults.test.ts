import { DRIVERS, FaultRig, printSummary } from './support/fault-rig';
import { placeBacklog } from './support/load';
import { seedShop } from './support/shop';

const BACKLOG = 2500;

afterAll(() => FaultRig.cleanupAll());

describe.each(DRIVERS)('the worker process is SIGKILLed mid-run (%s)', (driver) => {
  it('settles every accepted order once after a restart', async () => {
    const rig = await FaultRig.create('worker_kill', driver);
    await rig.run(async () => {
      await rig.startApi();
      const shop = await seedShop(rig.baseUrl);
      const ids = await placeBacklog(rig.baseUrl, shop, BACKLOG);

      const worker = await rig.startWorker();
      await rig.probe.waitSettledCount(ids, Math.floor(BACKLOG / 4), 120_000);
      worker.process.kill('SIGKILL');
      await worker.process.exited;
      const { unsettled: inFlight } = await rig.probe.progress(ids);
      expect(inFlight).toBeGreaterThan(0);

      const restarted = Date.now();
      await rig.startWorker();
      await rig.probe.waitSettled(ids, 150_000);
      const settleMs = Date.now() - restarted;
      const audit = await rig.audit();

      printSummary({
        fault: 'worker-sigkill',
        driver,
        inFlight,
        accepted: ids.length,
        settled: ids.length,
        settleMs,
        audit,
        notes: JSON.stringify(await rig.probe.statusCounts()),
      });
    });
  });
});
