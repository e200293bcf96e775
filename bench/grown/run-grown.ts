import { HttpTarget } from '../load/http-client';
import type { BenchOptions } from '../options';
import type { GrownResults, GrownSide, PageReads } from '../report/results';
import { writeGrownResults } from '../report/write-results';
import type { ScenarioContext } from '../scenarios/context';
import { createCancel } from '../scenarios/create-cancel';
import { orderThroughput } from '../scenarios/order-throughput';
import { createServiceEnvironment, type Driver } from '../service/environment';
import { machineInfo, type MachineInfo } from '../service/machine-info';
import { withMachineCpu } from '../service/machine-cpu';
import {
  startServiceProcesses,
  type ProcessMode,
  type ServiceProcesses,
} from '../service/service-processes';
import { adminToken } from '../service/tokens';
import {
  bufferPoolReads,
  DEFAULT_HISTORY_PLAN,
  GROWN_DATABASE,
  measureDatabase,
  startGrownServer,
  type GrownServer,
} from './grown-database';

const MIB = 1024 * 1024;

interface GrownRun {
  id: string;
  date: string;
  root: string;
  serviceRoot: string;
  /** Called once the history is loaded: loading is not measured, the scenarios are. */
  raiseGeneratorPriority(): number;
  log(line: string): void;
}

/** Buffer pool misses while `work` runs, per order it placed. */
async function withPageReads<T>(
  mysqlUrl: string,
  work: () => Promise<T>,
  ordersOf: (result: T) => number,
): Promise<T & { pageReads: PageReads }> {
  const before = await bufferPoolReads(mysqlUrl);
  const result = await work();
  const reads = (await bufferPoolReads(mysqlUrl)) - before;
  const orders = ordersOf(result);
  return {
    ...result,
    pageReads: { reads, orders, perOrder: orders > 0 ? Number((reads / orders).toFixed(3)) : 0 },
  };
}

const sum = (counts: Record<string, number>) =>
  Object.values(counts).reduce((total, count) => total + count, 0);

/** REQ-3.2.2, then REQ-3.3.1, on one database of the bench's own server. */
async function runSide(
  side: 'fresh' | 'grown',
  driver: Driver,
  mode: ProcessMode,
  grown: GrownServer,
  run: GrownRun,
  options: BenchOptions,
): Promise<GrownSide> {
  const tag = `${mode === 'two-process' ? '' : '_1p'}_${side}`;
  const env = await createServiceEnvironment(
    grown.servers,
    driver,
    `${run.id}${tag}`,
    options,
    side === 'grown' ? GROWN_DATABASE : null,
  );
  const logged: GrownSide['logged'] = { api: {}, worker: null };
  let service: ServiceProcesses | undefined;
  let target: HttpTarget | undefined;
  try {
    service = await startServiceProcesses({
      root: run.serviceRoot,
      mode,
      env: env.serviceEnv,
      nodeFlags: () => [],
    });
    target = HttpTarget.open(`http://127.0.0.1:${service.api.port}`, options.connections);
    const context: ScenarioContext = {
      target,
      admin: target.as(await adminToken(env.authSecret)),
      env,
      api: service.api,
      worker: service.worker,
      options,
      runId: `${run.id}-${driver}${tag}`,
      mariadbPid: grown.server.pid ?? undefined,
      log: run.log,
    };
    const url = grown.servers.mysqlUrl;
    const { bytes } = await measureDatabase(url, env.database);
    run.log(`${side} database: ${(bytes / MIB).toFixed(1)} MiB`);
    const throughput = await withMachineCpu(
      `REQ-3.2.2 order throughput, ${side} database`,
      () =>
        withPageReads(
          url,
          () => orderThroughput(context),
          (result) => result.accepted,
        ),
      run.log,
    );
    run.log(`  disk page reads per order: ${throughput.pageReads.perOrder}`);
    const createCancelResult = await withMachineCpu(
      `REQ-3.3.1 create and cancel latency, ${side} database`,
      () =>
        withPageReads(
          url,
          () => createCancel(context),
          (result) => sum(result.check.outcomes),
        ),
      run.log,
    );
    run.log(`  disk page reads per order: ${createCancelResult.pageReads.perOrder}`);
    return { sizeBytes: bytes, throughput, createCancel: createCancelResult, logged };
  } finally {
    await target?.close();
    if (service) {
      await service.stop();
      logged.api = service.api.logged ?? {};
      logged.worker = service.worker?.logged ?? null;
    }
    await env.cleanUp();
  }
}

/**
 * `npm run bench -- --grown`: a MariaDB of the bench's own with a small buffer pool, a database
 * grown many times larger than the pool through the service's own code, and REQ-3.2.2 and
 * REQ-3.3.1 on a fresh database and on the grown one, side by side, for each driver and mode.
 */
export async function runGrown(run: GrownRun, options: BenchOptions): Promise<void> {
  const grown = await startGrownServer(run.root, run.id, {
    ...DEFAULT_HISTORY_PLAN,
    multiple: options.grownMultiple,
    bufferPoolMb: options.bufferPoolMb,
  });
  try {
    const { history } = grown;
    run.log(
      `grown database: ${history.orders.toLocaleString('en-US')} orders, ` +
        `${(history.size.bytes / MIB).toFixed(0)} MiB = ${history.multiple}× the ` +
        `${options.bufferPoolMb} MiB buffer pool, ${history.bytesPerOrder} bytes per order`,
    );
    const machine: MachineInfo = await machineInfo(run.serviceRoot, grown.servers);
    const generatorNice = run.raiseGeneratorPriority();
    for (const driver of options.drivers) {
      for (const mode of options.modes) {
        run.log(`service on ${driver}, ${mode}`);
        const fresh = await runSide('fresh', driver, mode, grown, run, options);
        const grownSide = await runSide('grown', driver, mode, grown, run, options);
        const results: GrownResults = {
          date: run.date,
          driver,
          mode,
          machine,
          options: { ...options, generatorNice },
          history,
          fresh,
          grown: grownSide,
        };
        for (const file of await writeGrownResults(run.root, results)) run.log(`wrote ${file}`);
      }
    }
  } finally {
    await grown.stop();
  }
}
