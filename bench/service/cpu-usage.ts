import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { describeMachineCpu, watchMachineCpu, type MachineCpu } from './machine-cpu';

export interface CpuTime {
  /** User + system CPU time over the window. */
  cpuMs: number;
  msPerOrder: number;
}

export interface ProcessCpu extends CpuTime {
  pid: number;
  /** /proc/<pid>/comm: node, mariadbd, beam.smp, redis-server. */
  command: string;
  /**
   * How long its threads were ready to run but waited for a CPU over the window, added up over
   * the threads like its CPU time, per order: what the requests passing through it wait for the
   * machine rather than for work. Null where the kernel keeps no scheduler statistics
   * (/proc/<pid>/task/<tid>/schedstat).
   */
  waitedMsPerOrder: number | null;
}

/**
 * The CPU time the processes spent over a window, divided by the orders settled in it. Unlike
 * latency, it hardly moves when a noisy neighbour steals CPU: a process is not charged for the
 * time it waits for a CPU.
 */
export interface CpuPerOrder {
  orders: number;
  windowMs: number;
  /** getconf CLK_TCK: /proc counts CPU time in these, so cpuMs is a multiple of 1000 / this. */
  ticksPerSecond: number;
  /** In single-process mode, the one process that is both API and worker. */
  api: ProcessCpu;
  /** Null in single-process mode. */
  worker: ProcessCpu | null;
  /**
   * The whole server: whatever else uses it meanwhile is counted too. Null when no single
   * mariadbd process could be read.
   */
  mariadb: ProcessCpu | null;
  /** The queue's server (beam.smp, or redis-server, which also holds the API's cache); likewise. */
  broker: ProcessCpu | null;
  /**
   * This bench process, which sends the load (and records its histograms and polls for the
   * settled orders meanwhile): not part of the service, but on the same cores, so the service has
   * the machine less this.
   */
  generator: ProcessCpu | null;
  /** The API and the worker together. */
  service: CpuTime;
  /** The service and its servers: every process measured but the generator. */
  total: CpuTime;
  /** The machine over the same window: how much CPU a neighbour stole from it. */
  machine: MachineCpu | null;
}

export interface WatchedPids {
  api: number;
  /** Null when the API's process is the worker too. */
  worker: number | null;
  mariadb: number | null;
  broker: number | null;
  generator: number | null;
}

let ticksPerSecond: number | undefined;

/** Asked once; 100, the usual value, only when getconf cannot say. */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function readProc(pid: number, file: string): string | null {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * utime + stime (fields 14 and 15 of /proc/<pid>/stat) of all the process's threads, in clock
 * ticks. The command name (field 2) may hold spaces and parentheses, so fields are counted from
 * its closing parenthesis, after which field 3 comes.
 */
function cpuTicks(pid: number): number | null {
  const stat = readProc(pid, 'stat');
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[14 - 3]) + Number(fields[15 - 3]);
  return Number.isFinite(ticks) ? ticks : null;
}

/**
 * The run-queue delay of each of the process's threads since it started, in nanoseconds, by
 * thread id: the second field of /proc/<pid>/task/<tid>/schedstat. Null when no thread's could
 * be read.
 */
function runQueueNsByThread(pid: number): Map<string, number> | null {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  const waits = new Map<string, number>();
  for (const task of tasks) {
    const waited = Number(readProc(pid, `task/${task}/schedstat`)?.split(' ')[1]);
    if (Number.isFinite(waited)) waits.set(task, waited);
  }
  return waits.size > 0 ? waits : null;
}

/**
 * What the threads alive at the end waited over the window: a thread born in it counts whole, one
 * that ended in it not at all (its wait went with it), so the figure is a lower bound.
 */
function waitedNsBetween(before: Map<string, number>, after: Map<string, number>): number {
  let total = 0;
  for (const [thread, waited] of after) total += waited - (before.get(thread) ?? 0);
  return total;
}

/** The one process with this command name; null when there is none or more than one. */
export function pidOf(command: string): number | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const pids = entries
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => readProc(pid, 'comm')?.trim() === command);
  return pids.length === 1 ? (pids[0] ?? null) : null;
}

type Role = keyof WatchedPids;

interface Sample {
  ticks: number | null;
  waitedNsByThread: Map<string, number> | null;
}

function sampleOf(pids: WatchedPids): Record<Role, Sample> {
  const of = (pid: number | null): Sample =>
    pid === null
      ? { ticks: null, waitedNsByThread: null }
      : { ticks: cpuTicks(pid), waitedNsByThread: runQueueNsByThread(pid) };
  return {
    api: of(pids.api),
    worker: of(pids.worker),
    mariadb: of(pids.mariadb),
    broker: of(pids.broker),
    generator: of(pids.generator),
  };
}

const perOrderMs = (ms: number, orders: number) =>
  orders > 0 ? Math.round((ms / orders) * 1000) / 1000 : 0;

const perOrder = (cpuMs: number, orders: number): CpuTime => ({
  cpuMs,
  msPerOrder: perOrderMs(cpuMs, orders),
});

/**
 * The CPU time of these processes from now until stop(orders). Null when the API's or the
 * worker's could not be read at both ends (no /proc); another process that could not is left out.
 */
export function watchCpuPerOrder(pids: WatchedPids): { stop(orders: number): CpuPerOrder | null } {
  const hz = clockTicksPerSecond();
  const startedAt = performance.now();
  const machine = watchMachineCpu();
  const start = sampleOf(pids);
  return {
    stop(orders) {
      const end = sampleOf(pids);
      const machineCpu = machine.stop();
      const windowMs = Math.round(performance.now() - startedAt);
      const measured = (role: Role): ProcessCpu | null => {
        const pid = pids[role];
        const before = start[role];
        const after = end[role];
        if (pid === null || before.ticks === null || after.ticks === null) return null;
        const command = readProc(pid, 'comm')?.trim() ?? 'unknown';
        const waitedNs =
          before.waitedNsByThread === null || after.waitedNsByThread === null
            ? null
            : waitedNsBetween(before.waitedNsByThread, after.waitedNsByThread);
        return {
          pid,
          command,
          ...perOrder(Math.round(((after.ticks - before.ticks) * 1000) / hz), orders),
          waitedMsPerOrder: waitedNs === null ? null : perOrderMs(waitedNs / 1e6, orders),
        };
      };
      const api = measured('api');
      const worker = measured('worker');
      if (!api || (pids.worker !== null && !worker)) return null;
      const mariadb = measured('mariadb');
      const broker = measured('broker');
      const generator = measured('generator');
      const sum = (measures: (ProcessCpu | null)[]) =>
        perOrder(
          measures.reduce((ms, measure) => ms + (measure?.cpuMs ?? 0), 0),
          orders,
        );
      return {
        orders,
        windowMs,
        ticksPerSecond: hz,
        api,
        worker,
        mariadb,
        broker,
        generator,
        service: sum([api, worker]),
        total: sum([api, worker, mariadb, broker]),
        machine: machineCpu,
      };
    },
  };
}

const SERVER_NAMES: Record<string, string> = {
  mariadbd: 'MariaDB',
  'beam.smp': 'RabbitMQ',
  'redis-server': 'Redis',
};

/** "waited for a CPU: API 0.61 · worker 0.40 · MariaDB 0.70 · load generator 0.16 ms/order" */
function describeWaits(named: [string, ProcessCpu | null][], unit: string): string {
  const waits = named.flatMap(([name, process]) =>
    process?.waitedMsPerOrder == null ? [] : [`${name} ${process.waitedMsPerOrder.toFixed(2)}`],
  );
  return waits.length > 0 ? `; waited for a CPU: ${waits.join(' · ')} ms/${unit}` : '';
}

/**
 * "API 0.92 ms/order · worker 0.51 ms/order · MariaDB 2.10 ms/order; service 1.43, all 3.53;
 * load generator 0.30 ms/order; waited for a CPU: API 0.61 · … ms/order"; `unit` names what
 * the figures are per.
 */
export function describeCpuPerOrder(cpu: CpuPerOrder, unit = 'order'): string {
  const ms = (time: CpuTime) => time.msPerOrder.toFixed(2);
  const servers = [cpu.mariadb, cpu.broker].flatMap((server): [string, ProcessCpu][] =>
    server ? [[SERVER_NAMES[server.command] ?? server.command, server]] : [],
  );
  const service: [string, ProcessCpu][] = cpu.worker
    ? [
        ['API', cpu.api],
        ['worker', cpu.worker],
      ]
    : [['API + worker (one process)', cpu.api]];
  const parts = [
    ...service.map(([name, process]) => `${name} ${ms(process)} ms/${unit}`),
    ...servers.map(([name, server]) => `${name} ${ms(server)} ms/${unit}`),
  ];
  const sums = servers.length > 0 ? `; service ${ms(cpu.service)}, all ${ms(cpu.total)}` : '';
  const generator = cpu.generator ? `; load generator ${ms(cpu.generator)} ms/${unit}` : '';
  const waits = describeWaits([...service, ...servers, ['load generator', cpu.generator]], unit);
  const machine = cpu.machine ? ` (${describeMachineCpu(cpu.machine)})` : '';
  return `${parts.join(' · ')}${sums}${generator}${waits}${machine}`;
}
