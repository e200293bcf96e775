import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { startBareKoa } from './baseline/bare-koa';
import { measureRawOrderSql } from './baseline/raw-order-sql';
import { runGrown } from './grown/run-grown';
import { HttpTarget } from './load/http-client';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { summarizeCpuProfile } from './report/cpu-profile';
import type { Baselines, DriverResults, ReadsResult, WithMachineCpu } from './report/results';
import { writeResults } from './report/write-results';
import type { ScenarioContext } from './scenarios/context';
import { coldStart } from './scenarios/cold-start';
import { createCancel } from './scenarios/create-cancel';
import { orderThroughput } from './scenarios/order-throughput';
import { measureReads, productReads } from './scenarios/product-reads';
import { stockContention } from './scenarios/stock-contention';
import { createServiceEnvironment, LOCAL_SERVERS, type Driver } from './service/environment';
import { startOtlpSink } from './service/otlp-sink';
import { machineInfo, type MachineInfo } from './service/machine-info';
import { withMachineCpu as measureMachineCpu } from './service/machine-cpu';
import { runCommand } from './service/service-process';
import {
  freePort,
  startColdService,
  startServiceProcesses,
  type ProcessMode,
  type ServiceLaunch,
  type ServiceProcesses,
} from './service/service-processes';
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

const withMachineCpu = <T>(name: string, work: () => Promise<T>): Promise<WithMachineCpu<T>> =>
  measureMachineCpu(name, work, log);

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

/** A run's names (database, queue, cache keys, emails, profiles) by way of running. */
const modeTag = (mode: ProcessMode) => (mode === 'two-process' ? '' : '_1p');

/** The profiles runDriver's processes write (see its nodeFlags). */
function profileNames(id: string, driver: Driver, mode: ProcessMode, coldStart: boolean): string[] {
  const roles = mode === 'two-process' ? ['api', 'worker'] : ['all'];
  return (coldStart ? ['', '-cold'] : ['']).flatMap((round) =>
    roles.map((role) => `${id}-${driver}${modeTag(mode)}-${role}${round}`),
  );
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

/** Counts of two runs' log lines added up. */
function addLogged(
  a: Record<string, number> | null,
  b: Record<string, number> | null,
): Record<string, number> | null {
  if (a === null || b === null) return a ?? b;
  const sum = { ...a };
  for (const [line, count] of Object.entries(b)) sum[line] = (sum[line] ?? 0) + count;
  return sum;
}

async function runDriver(
  driver: Driver,
  mode: ProcessMode,
  run: {
    id: string;
    date: string;
    machine: MachineInfo;
    generatorNice: number;
    baselines: Baselines;
    serviceRoot: string;
    /** Set in a `--traces` run: where the service exports its spans. */
    tracesEndpoint: string | null;
  },
  options: BenchOptions,
): Promise<DriverResults> {
  const tag = modeTag(mode);
  const env = await createServiceEnvironment(LOCAL_SERVERS, driver, `${run.id}${tag}`, options);
  const name = `${run.id}-${driver}${tag}`;
  let round = 0;
  const launch: ServiceLaunch = {
    root: run.serviceRoot,
    mode,
    env: {
      ...env.serviceEnv,
      ...(run.tracesEndpoint && { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: run.tracesEndpoint }),
    },
    nodeFlags: (role) => profileFlags(options, `${name}-${role}${round > 0 ? '-cold' : ''}`),
  };
  let service: ServiceProcesses | undefined;
  let target: HttpTarget | undefined;
  const logged: DriverResults['logged'] = { api: {}, worker: mode === 'two-process' ? {} : null };
  const retire = async (processes: ServiceProcesses) => {
    await processes.stop();
    logged.api = addLogged(logged.api, processes.api.logged) ?? {};
    logged.worker = addLogged(logged.worker, processes.worker?.logged ?? null);
  };
  let results: Omit<DriverResults, 'logged'>;
  try {
    service = await startServiceProcesses(launch);
    target = HttpTarget.open(`http://127.0.0.1:${service.api.port}`, options.connections);
    const context: ScenarioContext = {
      target,
      admin: target.as(await adminToken(env.authSecret)),
      env,
      api: service.api,
      worker: service.worker,
      options,
      runId: name,
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
    const cold = options.coldStart
      ? await withMachineCpu('REQ-3.3.1 from a cold start', () =>
          coldStart(context, async () => {
            const running = service;
            service = undefined;
            if (running) await retire(running);
            round += 1;
            const port = await freePort();
            const started = await startColdService(launch, port);
            service = started.service;
            return { origin: `http://127.0.0.1:${port}`, readyAfterMs: started.readyAfterMs };
          }),
        )
      : null;
    results = {
      date: run.date,
      driver,
      mode,
      machine: run.machine,
      options: { ...options, generatorNice: run.generatorNice },
      baselines: run.baselines,
      reads,
      contention,
      throughput,
      createCancel: createCancelResult,
      coldStart: cold,
    };
  } finally {
    await target?.close();
    if (service) await retire(service);
    await env.cleanUp();
  }
  return { ...results, logged };
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

  const serviceRoot = options.service === null ? ROOT : resolve(options.service);
  log(`building the service (npm run build in ${serviceRoot})`);
  await runCommand('npm', ['run', 'build', '--silent'], serviceRoot);
  if (options.grown) {
    await runGrown({ id, date, root: ROOT, serviceRoot, raiseGeneratorPriority, log }, options);
    return;
  }
  const machine = await machineInfo(serviceRoot, LOCAL_SERVERS);
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

  const sink = options.traces ? await startOtlpSink() : null;
  try {
    for (const driver of options.drivers) {
      for (const mode of options.modes) {
        log(`service on ${driver}, ${mode}${sink ? ', tracing on' : ''}`);
        const results = await runDriver(
          driver,
          mode,
          {
            id,
            date,
            machine,
            generatorNice,
            baselines: { bareKoa, rawSql },
            serviceRoot,
            tracesEndpoint: sink?.url ?? null,
          },
          options,
        );
        for (const file of await writeResults(ROOT, results)) log(`wrote ${file}`);
        if (options.cpuProf) summarizeProfiles(profileNames(id, driver, mode, options.coldStart));
        if (sink) {
          const { requests, bytes } = sink.received();
          log(
            `  traces exported so far: ${requests} requests, ${(bytes / 2 ** 20).toFixed(1)} MiB`,
          );
        }
      }
    }
  } finally {
    await sink?.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
