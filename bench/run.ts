import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { startBareKoa } from './baseline/bare-koa';
import { measureRawOrderSql } from './baseline/raw-order-sql';
import { HttpTarget } from './load/http-client';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { summarizeCpuProfile } from './report/cpu-profile';
import type { Baselines, DriverResults, ReadsResult, WithMachineCpu } from './report/results';
import { writeResults } from './report/write-results';
import type { ScenarioContext } from './scenarios/context';
import { createCancel } from './scenarios/create-cancel';
import { orderThroughput } from './scenarios/order-throughput';
import { measureReads, productReads } from './scenarios/product-reads';
import { stockContention } from './scenarios/stock-contention';
import { createServiceEnvironment, LOCAL_SERVERS, type Driver } from './service/environment';
import { machineInfo, type MachineInfo } from './service/machine-info';
import { describeMachineCpu, watchMachineCpu } from './service/machine-cpu';
import { runCommand, startServiceRole, type RunningChild } from './service/service-process';
import { adminToken } from './service/tokens';

/** dist-bench/bench/run.js → the repository. */
const ROOT = resolve(__dirname, '..', '..');

const log = (line: string) => process.stdout.write(`${line}\n`);

/**
 * The load generator must keep to its schedule on a busy machine, so this process asks for a
 * higher CPU priority (nice -10, when allowed); the processes it measures run at the normal one.
 * Resolves with the niceness it runs at.
 */
function raiseGeneratorPriority(): number {
  try {
    setPriority(-10);
  } catch (error) {
    log(`running at normal priority: ${(error as Error).message}`);
  }
  return getPriority();
}

/** Runs one scenario or baseline, and notes the machine's CPU from its start to its end. */
async function withMachineCpu<T>(name: string, work: () => Promise<T>): Promise<WithMachineCpu<T>> {
  log(name);
  const watch = watchMachineCpu();
  const result = await work();
  const machineCpu = watch.stop();
  if (machineCpu) log(`  ${name}: ${describeMachineCpu(machineCpu)}, over ${machineCpu.seconds} s`);
  return { ...result, machineCpu };
}

async function bareKoaBaseline(options: BenchOptions): Promise<ReadsResult> {
  const { child, paths } = await startBareKoa(options.products);
  const target = HttpTarget.open(`http://127.0.0.1:${child.port}`, options.connections);
  try {
    return { products: options.products, ...(await measureReads(target, paths, options, log)) };
  } finally {
    await target.close();
    await child.stop();
  }
}

const PROFILES = join(ROOT, 'bench', 'tmp');

function profileFlags(options: BenchOptions, name: string): string[] {
  if (!options.cpuProf) return [];
  mkdirSync(PROFILES, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`, `--cpu-prof-name=${name}.cpuprofile`];
}

/** Node writes a profile when its process exits; each gets a summary beside it. */
function summarizeProfiles(names: string[]): void {
  for (const name of names) {
    const file = join(PROFILES, `${name}.cpuprofile`);
    if (!existsSync(file)) {
      log(`no profile at ${file}`);
      continue;
    }
    const summary = summarizeCpuProfile(file, ROOT);
    writeFileSync(join(PROFILES, `${name}.txt`), `${summary}\n`);
    log(summary);
  }
}

async function runDriver(
  driver: Driver,
  run: {
    id: string;
    date: string;
    machine: MachineInfo;
    generatorNice: number;
    baselines: Baselines;
  },
  options: BenchOptions,
): Promise<DriverResults> {
  const env = await createServiceEnvironment(LOCAL_SERVERS, driver, run.id, options);
  let api: RunningChild | undefined;
  let worker: RunningChild | undefined;
  let target: HttpTarget | undefined;
  try {
    // The API first: it creates the schema, and the worker then finds nothing to migrate.
    api = await startServiceRole(
      ROOT,
      'api',
      env.serviceEnv,
      profileFlags(options, `${run.id}-${driver}-api`),
    );
    worker = await startServiceRole(
      ROOT,
      'worker',
      env.serviceEnv,
      profileFlags(options, `${run.id}-${driver}-worker`),
    );
    target = HttpTarget.open(`http://127.0.0.1:${api.port}`, options.connections);
    const context: ScenarioContext = {
      target,
      admin: target.as(await adminToken(env.authSecret)),
      env,
      api,
      worker,
      options,
      runId: `${run.id}-${driver}`,
      log,
    };

    const reads = await withMachineCpu('REQ-3.1.1 product reads', () => productReads(context));
    const contention = await withMachineCpu('REQ-3.2.1 stock contention', () =>
      stockContention(context),
    );
    const throughput = await withMachineCpu('REQ-3.2.2 order throughput', () =>
      orderThroughput(context),
    );
    const createCancelResult = await withMachineCpu('REQ-3.3.1 create and cancel latency', () =>
      createCancel(context),
    );
    return {
      date: run.date,
      driver,
      machine: run.machine,
      options: { ...options, generatorNice: run.generatorNice },
      baselines: run.baselines,
      reads,
      contention,
      throughput,
      createCancel: createCancelResult,
      logged: { api: api.logged, worker: worker.logged },
    };
  } finally {
    await target?.close();
    await api?.stop();
    await worker?.stop();
    await env.cleanUp();
  }
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  const now = new Date();
  const date = now.toISOString().slice(0, 10);
  const id = now.toISOString().replace(/\D/g, '').slice(0, 14);

  log('building the service (npm run build)');
  await runCommand('npm', ['run', 'build', '--silent'], ROOT);
  const machine = await machineInfo(ROOT, LOCAL_SERVERS);
  log(
    `${machine.cpuModel}, ${machine.cores} cores; Node ${machine.node}; commit ${machine.commit.slice(0, 12)}`,
  );

  // At normal priority, like the worker whose statements it runs.
  const rawSql = await withMachineCpu('baseline: raw order SQL', async () => {
    const result = await measureRawOrderSql(LOCAL_SERVERS, id, {
      orders: options.orders,
      customers: options.customers,
      products: options.orderProducts,
      batchSize: options.workerBatchSize,
    });
    log(
      `  ${result.orders} orders in batches of ${result.batchSize} in ${result.elapsedMs} ms: ` +
        `${result.ordersPerSecond} orders/s (${JSON.stringify(result.outcomes)})`,
    );
    return result;
  });

  const generatorNice = raiseGeneratorPriority();
  const bareKoa = await withMachineCpu('baseline: bare Koa reads', () => bareKoaBaseline(options));

  for (const driver of options.drivers) {
    log(`service on ${driver}`);
    const results = await runDriver(
      driver,
      { id, date, machine, generatorNice, baselines: { bareKoa, rawSql } },
      options,
    );
    for (const file of await writeResults(ROOT, results)) log(`wrote ${file}`);
    if (options.cpuProf)
      summarizeProfiles(['api', 'worker'].map((role) => `${id}-${driver}-${role}`));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
