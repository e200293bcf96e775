import { adminToken, bearer } from '../support/tokens';
import { rmSync } from 'node:fs';
import { eventually } from '../support/eventually';
import { httpClient } from '../support/http-client';
import { DRIVERS, FaultRig, printSummary, scratchDir } from './support/fault-rig';
import { placeBacklog, SteadyLoad } from './support/load';
import { OwnMariadb } from './support/servers';
import { seedShop } from './support/shop';

const BACKLOG = 1500;
const RATE_PER_SECOND = 60;
/** Longer than a job's attempts take to run out (JOB_BACKOFF_MS 200: 0.2 + 0.4 + 0.8 + 1.6 s). */
const OUTAGE_MS = 6000;

let mariadbDir: string;
let mariadb: OwnMariadb;

beforeAll(async () => {
  mariadbDir = scratchDir('mariadb');
  mariadb = await OwnMariadb.start(mariadbDir);
});

afterAll(async () => {
  await FaultRig.cleanupAll();
  await mariadb?.stop('SIGKILL');
  rmSync(mariadbDir, { recursive: true, force: true });
});

describe.each(DRIVERS)('MariaDB is killed and restarted under load (%s)', (driver) => {
  it('answers 503 meanwhile, recovers on its own, and loses nothing that got a 202', async () => {
    const rig = await FaultRig.create('db_restart', driver, {
      databaseUrl: mariadb.url(`orders_${driver}_${Date.now()}`),
    });
    await rig.run(async () => {
      const request = httpClient(rig.baseUrl, bearer(adminToken()));
      const api = await rig.startApi();
      const shop = await seedShop(rig.baseUrl);
      const backlog = await placeBacklog(rig.baseUrl, shop, BACKLOG);
      const worker = await rig.startWorker();
      const load = new SteadyLoad(rig.baseUrl, shop, { ratePerSecond: RATE_PER_SECOND });
      load.start();
      await rig.probe.waitSettledCount(backlog, BACKLOG / 5, 60_000);

      const inFlight = (await rig.probe.progress([...backlog, ...load.accepted])).unsettled;
      await mariadb.stop('SIGKILL');
      const down = Date.now();

      const ready = await eventually(
        async () => {
          const answer = await request('GET', '/ready');
          expect(answer.status).toBe(503);
          return answer;
        },
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(ready.headers.get('content-type')).toContain('application/problem+json');
      expect(ready.body.code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(ready.body.detail).toContain('database');
      expect(ready.body.dependencies).toContainEqual({ name: 'database', status: 'down' });
      const read = await request('GET', `/orders/${backlog[0]}`);
      expect(read.status).toBe(503);
      expect(read.headers.get('content-type')).toContain('application/problem+json');
      expect(read.body.code).toBe('DEPENDENCY_UNAVAILABLE');
      // The outage is the scenario, not an outcome to wait for: orders keep coming meanwhile.
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS - (Date.now() - down)));
      expect(load.between(down).filter((answer) => answer.outcome === 503).length).toBeGreaterThan(
        0,
      );

      const restarting = Date.now();
      await mariadb.restart();
      const restarted = Date.now();
      await eventually(async () => expect((await request('GET', '/ready')).status).toBe(200), {
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      const recoveredMs = Date.now() - restarted;
      const acceptedBefore = load.accepted.size;
      await eventually(() => expect(load.accepted.size).toBeGreaterThan(acceptedBefore + 150), {
        timeoutMs: 60_000,
      });
      await load.stop();

      // Requests sent while the server was down: each is answered 503 at once, but for one
      // still waiting for a connection when the server came back, which then succeeds.
      const whileDown = load.between(down, restarting);
      for (const answer of whileDown) {
        if (answer.outcome === 202 || answer.outcome === 200) continue;
        expect(answer).toMatchObject({
          outcome: 503,
          code: 'DEPENDENCY_UNAVAILABLE',
          contentType: expect.stringContaining('application/problem+json'),
        });
      }
      expect(load.refused + load.abandoned).toBe(0);
      expect(api.process.running && worker.process.running).toBe(true);

      const ids = [...backlog, ...load.accepted];
      await rig.probe.waitSettled(ids, 120_000);
      // Each order sent is stored once, retries and all: none lost, none doubled.
      expect(await rig.probe.orderCount()).toBe(ids.length);
      const settleMs = Date.now() - restarted;
      const audit = await rig.audit();
      const statuses = await rig.probe.statusCounts();
      // An outage is nobody's order's fault: none may fail for it.
      expect(statuses['FAILED:PROCESSING_ERROR']).toBeUndefined();
      printSummary({
        fault: 'mariadb-sigkill-restart',
        driver,
        inFlight,
        accepted: ids.length,
        settled: ids.length,
        settleMs,
        audit,
        notes: `down ${restarting - down} ms, ready again ${recoveredMs} ms after restart; answers while down ${JSON.stringify(SteadyLoad.tally(whileDown))}, slowest ${Math.max(...whileDown.map((answer) => answer.ms))} ms; orders ${JSON.stringify(statuses)}`,
      });
    });
  });
});
