import {
  encodeHistogram,
  percentileCurve,
  summarize,
  type CurvePoint,
  type Histogram,
  type LatencySummary,
} from '../load/histogram';
import type { LoadRun } from '../load/open-model';
import { TARGETS } from '../scenarios/targets';
import type { CpuPerOrder } from '../service/cpu-usage';
import type { Driver } from '../service/environment';
import type { ProcessMode } from '../service/service-processes';
import type { MachineCpu } from '../service/machine-cpu';
import type { MachineInfo } from '../service/machine-info';
import type { MemoryPeak } from '../service/memory-sampler';
import type { HistoryReport } from '../grown/grown-database';

/** What one endpoint's requests measured; latencies in milliseconds. */
export interface StreamResult {
  endpoint: string;
  /** Arrival rate asked for, requests per second; null for a burst sent all at once. */
  rate: number | null;
  scheduled: number;
  sent: number;
  ok: number;
  /** Successful answers per second, from the first due time to the last answer. */
  okPerSecond: number;
  errors: Record<string, number>;
  latency: LatencySummary;
  /** How late the generator sent requests after their due time. */
  lag: LatencySummary;
  /** The generator could not keep to its schedule: its figures are not the service's alone. */
  generatorBehind: boolean;
  curve: CurvePoint[];
  /** hdr-histogram-js compressed base64, values in µs. */
  histogram: string;
}

export function errorCount(stream: Pick<StreamResult, 'errors'>): number {
  return Object.values(stream.errors).reduce((sum, count) => sum + count, 0);
}

/** p99 of each histogram, in ms. */
export function p99s(histograms: readonly Histogram[]): number[] {
  return histograms.map((histogram) => summarize(histogram).p99);
}

export function streamResult(endpoint: string, run: LoadRun, rate: number | null): StreamResult {
  const lag = summarize(run.lag);
  return {
    endpoint,
    rate,
    scheduled: run.scheduled,
    sent: run.sent,
    ok: run.ok,
    okPerSecond: run.elapsedMs > 0 ? Math.round((run.ok / run.elapsedMs) * 1000) : 0,
    errors: run.errors,
    latency: summarize(run.latency),
    lag,
    generatorBehind: (run.errors.unsent ?? 0) > 0 || lag.p50 > TARGETS.generatorLagP50Ms,
    curve: percentileCurve(run.latency),
    histogram: encodeHistogram(run.latency as Histogram),
  };
}

export interface SaturationStep {
  rate: number;
  held: boolean;
  /** Why the step did not hold. */
  why: string | null;
  p99Ms: Record<string, number>;
  errors: Record<string, number>;
  lagP99Ms: number;
  /** Orders settled per second over the step, where the worker's pace is part of the verdict. */
  processedPerSecond?: number;
}

export interface SaturationResult {
  criterion: string;
  steps: SaturationStep[];
  /** The highest arrival rate that held; null when even the first step did not. */
  highestHeld: number | null;
  /** Why the search stopped: the failed step's reason, or the step limit. */
  stoppedBecause: string;
}

export interface ProcessMemory {
  /** In single-process mode, the one process. */
  api: MemoryPeak;
  /** Null in single-process mode. */
  worker: MemoryPeak | null;
}

/** Stock and balances recomputed from the orders, as the contract's invariants say. */
export interface OutcomeCheck {
  /** Orders by final status (FAILED split by reason). */
  outcomes: Record<string, number>;
  exact: boolean;
  /** Every discrepancy found, in words; empty when exact. */
  problems: string[];
}

export interface ReadsResult {
  products: number;
  stream: StreamResult;
  memory?: ProcessMemory;
  /** The service's CPU per read over the measured run (`msPerOrder` counts reads here). */
  cpu?: CpuPerOrder | null;
  saturation: SaturationResult | null;
}

export interface ContentionResult {
  orders: number;
  stream: StreamResult;
  check: OutcomeCheck;
  stockAfter: number;
  debited: number;
  price: number;
  ledgerDebits: number;
  settleMs: number | null;
  /** Exactly 1 completed, the rest failed INSUFFICIENT_STOCK, stock 0, debited once. */
  exact: boolean;
}

export interface ThroughputResult {
  orders: number;
  customers: number;
  products: number;
  stream: StreamResult;
  accepted: number;
  acceptedPerSecond: number;
  /** From the first due time until the last order settled; null if they never all did. */
  settleMs: number | null;
  processedPerSecond: number | null;
  check: OutcomeCheck;
  memory: ProcessMemory;
  /** Over the same window as settleMs, per order accepted; null where /proc cannot be read. */
  cpuPerOrder: CpuPerOrder | null;
  saturation: SaturationResult | null;
}

export interface CreateCancelResult {
  seconds: number;
  create: StreamResult;
  cancel: StreamResult;
  check: OutcomeCheck;
  memory: ProcessMemory;
  /**
   * From the first send of the measured run until every order is settled, per order created in
   * it: about as many cancellations, mostly refunds, share the window.
   */
  cpuPerOrder: CpuPerOrder | null;
  saturation: SaturationResult | null;
}

/**
 * REQ-3.3.1's load on a service just started, from the moment it is ready: what the first seconds
 * of a load meet, against the steady state of createCancel.
 */
export interface ColdStartResult {
  seconds: number;
  /** From spawning the processes until GET /ready answered 200 (and the worker had started). */
  readyAfterMs: number;
  create: StreamResult;
  cancel: StreamResult;
  /** p99 of the requests due in each second of the run, in ms: where a cold start shows. */
  createP99BySecondMs: number[];
  cancelP99BySecondMs: number[];
  check: OutcomeCheck;
}

export interface RawSqlResult {
  orders: number;
  /** Orders per transaction, and transactions under way at once: the worker's batching. */
  batchSize: number;
  batchesInFlight: number;
  elapsedMs: number;
  ordersPerSecond: number;
  outcomes: Record<string, number>;
}

/**
 * A scenario's or a baseline's figures, with the machine's CPU from its start to its end: how much
 * the hypervisor stole says how far its latencies are the machine's own. Null without /proc/stat.
 */
export type WithMachineCpu<T> = T & { machineCpu: MachineCpu | null };

export interface Baselines {
  bareKoa: WithMachineCpu<ReadsResult>;
  rawSql: WithMachineCpu<RawSqlResult>;
}

export interface DriverResults {
  date: string;
  driver: Driver;
  mode: ProcessMode;
  machine: MachineInfo;
  options: Record<string, unknown>;
  baselines: Baselines;
  reads: WithMachineCpu<ReadsResult>;
  contention: WithMachineCpu<ContentionResult>;
  throughput: WithMachineCpu<ThroughputResult>;
  createCancel: WithMachineCpu<CreateCancelResult>;
  /** Null when skipped (--skip-cold-start). */
  coldStart: WithMachineCpu<ColdStartResult> | null;
  /**
   * What the service's processes logged during the run, by level and message; the worker's is
   * null in single-process mode.
   */
  logged: { api: Record<string, number>; worker: Record<string, number> | null };
}

/** Pages InnoDB read from disk (buffer pool misses) over a scenario, per order it placed. */
export interface PageReads {
  reads: number;
  orders: number;
  perOrder: number;
}

/** One database's REQ-3.2.2 and REQ-3.3.1 in a --grown run. */
export interface GrownSide {
  /** data + index bytes of the service's database when its scenarios started. */
  sizeBytes: number;
  throughput: WithMachineCpu<ThroughputResult> & { pageReads: PageReads };
  createCancel: WithMachineCpu<CreateCancelResult> & { pageReads: PageReads };
  logged: DriverResults['logged'];
}

/** REQ-3.2.2 and REQ-3.3.1 on a grown database and a fresh one, on the same server, in one run. */
export interface GrownResults {
  date: string;
  driver: Driver;
  mode: ProcessMode;
  machine: MachineInfo;
  options: Record<string, unknown>;
  history: HistoryReport;
  fresh: GrownSide;
  grown: GrownSide;
}
