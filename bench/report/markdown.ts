import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatMs, type LatencySummary } from '../load/histogram';
import { OLD_SYSTEM, TARGETS } from '../scenarios/targets';
import { describeCpuPerOrder } from '../service/cpu-usage';
import { describeMachineCpu, type MachineCpu } from '../service/machine-cpu';
import type { ProcessMode } from '../service/service-processes';
import {
  errorCount,
  type ColdStartResult,
  type DriverResults,
  type WithMachineCpu,
  type SaturationResult,
  type StreamResult,
} from './results';

type Verdict = 'PASS' | 'MISS' | 'info';

interface Row {
  requirement: string;
  what: string;
  figure: string;
  target: string;
  old: string;
  baseline: string;
  ratio: string;
  result: Verdict;
}

const n = (value: number) => value.toLocaleString('en-US');
const verdict = (pass: boolean): Verdict => (pass ? 'PASS' : 'MISS');
const ratio = (ours: number | null, base: number | null) =>
  ours !== null && base ? `${(ours / base).toFixed(2)}×` : '—';
const sorted = (byKey: Record<string, number>) =>
  Object.entries(byKey).sort(([a], [b]) => a.localeCompare(b));
/** "1 COMPLETED, 99 FAILED INSUFFICIENT_STOCK" */
const outcomeList = (byKey: Record<string, number>) =>
  sorted(byKey)
    .map(([key, count]) => `${n(count)} ${key}`)
    .join(', ');
/** "HTTP 503 ×12, ECONNRESET ×1" */
const errorList = (byKey: Record<string, number>) =>
  sorted(byKey)
    .map(([key, count]) => `${key} ×${n(count)}`)
    .join(', ');

function row(
  requirement: string,
  what: string,
  figure: string,
  target: string,
  result: Verdict,
  comparison: Partial<Pick<Row, 'old' | 'baseline' | 'ratio'>> = {},
): Row {
  return {
    requirement,
    what,
    figure,
    target,
    old: '—',
    baseline: '—',
    ratio: '—',
    result,
    ...comparison,
  };
}

function latency(s: LatencySummary): string {
  return `p99 **${formatMs(s.p99)}** (p50 ${formatMs(s.p50)} · p90 ${formatMs(s.p90)} · max ${formatMs(s.max)})`;
}

/** "; CPU steal 16%, machine busy 85%"; nothing when it was not measured. */
const steal = (cpu: MachineCpu | null) => (cpu ? `; ${describeMachineCpu(cpu)}` : '');
/** " (CPU steal 16%, machine busy 85%)"; likewise. */
const stealAside = (cpu: MachineCpu | null) => (cpu ? ` (${describeMachineCpu(cpu)})` : '');

/** Errors, generator lag and CPU steal are said next to the figure they spoil. */
export function caveats(stream: StreamResult, cpu: MachineCpu | null): string {
  const notes: string[] = [];
  if (errorCount(stream) > 0) notes.push(`errors: ${errorList(stream.errors)}`);
  const lag = `lag p50 ${formatMs(stream.lag.p50)}, p99 ${formatMs(stream.lag.p99)}`;
  if (stream.generatorBehind) notes.push(`generator behind schedule (${lag})`);
  else if (stream.lag.p99 > TARGETS.noticeableLagP99Ms) notes.push(`generator ${lag}`);
  return `${notes.length > 0 ? `; ${notes.join('; ')}` : ''}${steal(cpu)}`;
}

function saturationRow(
  requirement: string,
  saturation: SaturationResult | null,
  requiredRate: number,
  unit: string,
  baseline: { label: string; rate: number | null },
): Row {
  const held = saturation?.highestHeld ?? null;
  const figure = saturation
    ? `${held === null ? 'none' : `**${n(held)} ${unit}**`} (limit: ${saturation.stoppedBecause})`
    : 'not measured (--skip-saturation)';
  return row(
    requirement,
    'saturation: highest arrival rate held',
    figure,
    `≥ ${n(requiredRate)} ${unit}`,
    saturation ? verdict((held ?? 0) >= requiredRate) : 'info',
    {
      baseline: `${baseline.label}: ${baseline.rate === null ? 'none held' : `${n(baseline.rate)} ${unit}`}`,
      ratio: ratio(held, baseline.rate),
    },
  );
}

function rows(r: DriverResults): Row[] {
  const { reads, contention: c, throughput: t, createCancel: cc } = r;
  const bare = r.baselines.bareKoa;
  const raw = r.baselines.rawSql;
  const rawLabel = `raw SQL, batches of ${raw.batchSize}`;
  const withinP99 = (stream: StreamResult, targetMs: number) =>
    verdict(stream.latency.p99 <= targetMs && errorCount(stream) === 0);
  const orderLatency = (stream: StreamResult, what: string, oldMs: number) =>
    row(
      'REQ-3.3.1',
      `${what} at ${n(stream.rate ?? 0)}/s, beside the other`,
      latency(stream.latency) + caveats(stream, cc.machineCpu),
      `p99 ≤ ${TARGETS.orderP99Ms} ms (requirement < 200 ms)`,
      withinP99(stream, TARGETS.orderP99Ms),
      { old: `${oldMs} ms (single request)` },
    );

  return [
    row(
      'REQ-3.1.1',
      `GET /products/{id} at ${n(reads.stream.rate ?? 0)} req/s over ${reads.products} products`,
      latency(reads.stream.latency) + caveats(reads.stream, reads.machineCpu),
      `p99 ≤ ${TARGETS.readP99Ms} ms (requirement < 100 ms)`,
      withinP99(reads.stream, TARGETS.readP99Ms),
      {
        old: `p99 ${OLD_SYSTEM.readP99Ms} ms`,
        baseline: `bare Koa p99 ${formatMs(bare.stream.latency.p99)}`,
        ratio: ratio(reads.stream.latency.p99, bare.stream.latency.p99),
      },
    ),
    saturationRow('REQ-3.1.1', reads.saturation, reads.stream.rate ?? 0, 'req/s', {
      label: 'bare Koa',
      rate: bare.saturation?.highestHeld ?? null,
    }),
    row(
      'REQ-3.2.1',
      `${c.orders} simultaneous POST /orders, one product with stock 1`,
      `${outcomeList(c.check.outcomes)}; stock ${c.stockAfter}; debited ${c.debited} (price ` +
        `${c.price}) in ${c.ledgerDebits} ledger debit(s); settled in ${c.settleMs ?? '∞'} ms` +
        steal(c.machineCpu),
      `1 COMPLETED, ${c.orders - 1} FAILED INSUFFICIENT_STOCK, stock 0, debited once`,
      verdict(c.exact),
    ),
    row(
      'REQ-3.2.2',
      `orders accepted (202) of ${n(t.orders)} sent at ${n(t.stream.rate ?? 0)}/s`,
      `**${n(t.accepted)}** of ${n(t.orders)}, ${n(t.acceptedPerSecond)} accepted/s` +
        caveats(t.stream, t.machineCpu),
      `${n(t.orders)} of ${n(t.orders)}`,
      verdict(t.accepted === t.orders),
      { old: `${n(OLD_SYSTEM.acceptedOf10k)} of 10,000` },
    ),
    row('REQ-3.2.2', 'POST /orders latency during it', latency(t.stream.latency), '—', 'info'),
    row(
      'REQ-3.2.2',
      'first send → every order settled',
      t.settleMs === null
        ? 'not all settled within 180 s'
        : `**${(t.settleMs / 1000).toFixed(2)} s** (${n(t.processedPerSecond ?? 0)} orders/s end to end)`,
      `≤ ${TARGETS.settleMs / 1000} s`,
      verdict(t.settleMs !== null && t.settleMs <= TARGETS.settleMs),
      {
        baseline: `${rawLabel}: ${n(raw.ordersPerSecond)} orders/s`,
        ratio: ratio(t.processedPerSecond, raw.ordersPerSecond),
      },
    ),
    row(
      'REQ-3.2.2',
      'final stock and balances = what the completed orders say',
      `${outcomeList(t.check.outcomes)}; ${t.check.exact ? 'exact' : `${t.check.problems.length} discrepancies`}`,
      'exact',
      verdict(t.check.exact),
    ),
    row(
      'REQ-3.2.2',
      'API process peak memory (RSS high-water mark)',
      `**${t.memory.api.hwmMb} MB** (sampled peak ${t.memory.api.sampledPeakMb} MB)`,
      `≤ ${TARGETS.apiMemoryMb} MB`,
      verdict(t.memory.api.hwmMb <= TARGETS.apiMemoryMb),
      { old: OLD_SYSTEM.apiMemory },
    ),
    ...(t.memory.worker
      ? [
          row(
            'REQ-3.2.2',
            'worker process peak memory',
            `${t.memory.worker.hwmMb} MB (sampled peak ${t.memory.worker.sampledPeakMb} MB)`,
            '—',
            'info',
          ),
        ]
      : []),
    ...(t.cpuPerOrder
      ? [
          row(
            'REQ-3.2.2',
            'CPU time (user + system) and time waiting for a CPU, per order, first send → every order settled',
            describeCpuPerOrder(t.cpuPerOrder),
            '—',
            'info',
          ),
        ]
      : []),
    saturationRow('REQ-3.2.2', t.saturation, t.stream.rate ?? 0, 'orders/s', {
      label: rawLabel,
      rate: raw.ordersPerSecond,
    }),
    orderLatency(cc.create, 'POST /orders', OLD_SYSTEM.createMs),
    orderLatency(cc.cancel, 'POST /orders/{id}/cancel', OLD_SYSTEM.cancelMs),
    ...(cc.cpuPerOrder
      ? [
          row(
            'REQ-3.3.1',
            'CPU time (user + system) and time waiting for a CPU, per order created and cancelled, first send → all settled',
            describeCpuPerOrder(cc.cpuPerOrder),
            '—',
            'info',
          ),
        ]
      : []),
    saturationRow('REQ-3.3.1', cc.saturation, cc.create.rate ?? 0, 'orders/s', {
      label: rawLabel,
      rate: raw.ordersPerSecond,
    }),
    ...(r.coldStart ? coldStartRows(r.coldStart) : []),
  ];
}

/** The same load as REQ-3.3.1's, from the moment a just-started service is ready. */
function coldStartRows(cold: WithMachineCpu<ColdStartResult>): Row[] {
  const stream = (result: StreamResult, bySecond: number[]) =>
    row(
      'REQ-3.3.1 cold start',
      `${result.endpoint} at ${n(result.rate ?? 0)}/s, beside the other, from the moment a ` +
        `just-started service is ready (${n(cold.readyAfterMs)} ms after its start)`,
      `${latency(result.latency)}; p99 by second: ${bySecond.map(formatMs).join(' · ')}` +
        caveats(result, cold.machineCpu),
      `p99 ≤ ${TARGETS.orderP99Ms} ms, as warm`,
      verdict(result.latency.p99 <= TARGETS.orderP99Ms && errorCount(result) === 0),
    );
  return [
    stream(cold.create, cold.createP99BySecondMs),
    stream(cold.cancel, cold.cancelP99BySecondMs),
    row(
      'REQ-3.3.1 cold start',
      'final stock and balances = what the completed and cancelled orders say',
      `${outcomeList(cold.check.outcomes)}; ${cold.check.exact ? 'exact' : `${cold.check.problems.length} discrepancies`}`,
      'exact',
      verdict(cold.check.exact),
    ),
  ];
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export const MODE_TITLES: Record<ProcessMode, string> = {
  'two-process': 'two processes (ROLE=api + ROLE=worker)',
  'single-process': 'one process (ROLE=all)',
};

/** Where a run's generated section and files go: by driver, and by mode past the first. */
export function sectionKey(r: Pick<DriverResults, 'driver' | 'mode'>): string {
  return r.mode === 'two-process' ? r.driver : `${r.driver}-${r.mode}`;
}

/** The generated section of one driver: its table, the machine, the charts. */
export function driverSection(
  r: DriverResults,
  charts: { title: string; file: string }[],
  json: string,
) {
  const m = r.machine;
  const table = [
    '| Requirement | What | Figure | Target | Old system | Baseline | Ratio | Result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows(r).map(
      (row) =>
        `| ${[row.requirement, row.what, row.figure, row.target, row.old, row.baseline, row.ratio, row.result === 'MISS' ? '**MISS**' : row.result].map(cell).join(' | ')} |`,
    ),
  ];
  return [
    `### Queue driver: ${r.driver}, ${MODE_TITLES[r.mode]} (${r.date})`,
    '',
    ...(r.options.quick
      ? ['> **--quick run: sizes are tiny, the figures mean nothing.**', '']
      : []),
    ...table,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB; Node ${m.node}; MariaDB ${m.mariadb} ` +
      `(innodb_flush_log_at_trx_commit=${m.mariadbSettings.innodb_flush_log_at_trx_commit}); ` +
      `Redis ${m.redis}; RabbitMQ ${m.rabbitmq}. Commit \`${m.commit.slice(0, 12)}\`` +
      `${m.dirty ? ' with uncommitted changes' : ''}. The load generator, the service and the servers share the machine.`,
    '',
    `Baselines: bare Koa p99 ${formatMs(r.baselines.bareKoa.stream.latency.p99)} at ${n(r.baselines.bareKoa.stream.rate ?? 0)} req/s` +
      `${stealAside(r.baselines.bareKoa.machineCpu)}; ` +
      `raw SQL ${n(r.baselines.rawSql.orders)} orders in ${n(r.baselines.rawSql.elapsedMs)} ms in batches of ` +
      `${r.baselines.rawSql.batchSize}, ${r.baselines.rawSql.batchesInFlight} at a time = ${n(r.baselines.rawSql.ordersPerSecond)} orders/s` +
      `${stealAside(r.baselines.rawSql.machineCpu)}.`,
    '',
    `Charts: ${charts.map((chart) => `[${chart.title}](${chart.file})`).join(' · ')} · all figures: [${json}](${json})`,
  ].join('\n');
}

/** Replaces (or appends) the text between this driver's markers, leaving the rest as written. */
export function rewriteSection(file: string, driver: string, section: string, preamble: string) {
  const begin = `<!-- bench:${driver}:begin (generated by npm run bench; edits are overwritten) -->`;
  const end = `<!-- bench:${driver}:end -->`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : preamble;
  const pattern = new RegExp(
    `<!-- bench:${driver}:begin[^>]*-->[\\s\\S]*?<!-- bench:${driver}:end -->`,
  );
  const block = `${begin}\n\n${section}\n\n${end}`;
  const next = pattern.test(current)
    ? current.replace(pattern, () => block)
    : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}
