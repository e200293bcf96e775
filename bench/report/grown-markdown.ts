import { formatMs } from '../load/histogram';
import { describeMachineCpu } from '../service/machine-cpu';
import { caveats, MODE_TITLES } from './markdown';
import { errorCount, type GrownResults, type GrownSide, type StreamResult } from './results';

/** The targets for a grown database (issue 21). */
export const GROWN_TARGETS = {
  /** The grown database is at least this many times the buffer pool. */
  multiple: 8,
  /** Grown p99 at most this many times the fresh p99 of the same run. */
  p99Ratio: 2,
  /** REQ-3.3.1's own bound. */
  requirementP99Ms: 200,
  pageReadsPerOrder: 0.5,
} as const;

const MIB = 1024 * 1024;
const n = (value: number) => value.toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;
const verdict = (pass: boolean) => (pass ? 'PASS' : '**MISS**');
const times = (grown: number, fresh: number) =>
  fresh > 0 ? `${(grown / fresh).toFixed(2)}×` : '—';

interface Row {
  what: string;
  fresh: string;
  grown: string;
  ratio: string;
  target: string;
  result: string;
}

const p99 = (stream: StreamResult, cpu: GrownSide['throughput']['machineCpu']) =>
  `p99 **${formatMs(stream.latency.p99)}** (p50 ${formatMs(stream.latency.p50)}, max ` +
  `${formatMs(stream.latency.max)})${caveats(stream, cpu)}`;

function latencyRow(
  what: string,
  pick: (side: GrownSide) => StreamResult,
  cpu: (side: GrownSide) => GrownSide['throughput']['machineCpu'],
  r: GrownResults,
  absoluteMs: number | null,
): Row {
  const fresh = pick(r.fresh);
  const grown = pick(r.grown);
  const withinRatio = grown.latency.p99 <= GROWN_TARGETS.p99Ratio * fresh.latency.p99;
  const withinBound = absoluteMs === null || grown.latency.p99 < absoluteMs;
  return {
    what,
    fresh: p99(fresh, cpu(r.fresh)),
    grown: p99(grown, cpu(r.grown)),
    ratio: times(grown.latency.p99, fresh.latency.p99),
    target:
      `≤ ${GROWN_TARGETS.p99Ratio}× fresh` + (absoluteMs === null ? '' : `, < ${absoluteMs} ms`),
    result: verdict(withinRatio && withinBound && errorCount(grown) === 0),
  };
}

function pageReadsRow(
  what: string,
  pick: (side: GrownSide) => GrownSide['throughput']['pageReads'],
  r: GrownResults,
): Row {
  const describe = (side: GrownSide) => {
    const reads = pick(side);
    return `**${reads.perOrder}** (${n(reads.reads)} pages, ${n(reads.orders)} orders)`;
  };
  return {
    what,
    fresh: describe(r.fresh),
    grown: describe(r.grown),
    ratio: '—',
    target: `≤ ${GROWN_TARGETS.pageReadsPerOrder}`,
    result: verdict(pick(r.grown).perOrder <= GROWN_TARGETS.pageReadsPerOrder),
  };
}

function rows(r: GrownResults): Row[] {
  const pool = r.history.bufferPoolBytes;
  const size = (side: GrownSide) =>
    `${mib(side.sizeBytes)} (${(side.sizeBytes / pool).toFixed(1)}× the pool)`;
  const accepted = (side: GrownSide) => {
    const t = side.throughput;
    return `**${n(t.accepted)}** of ${n(t.orders)}, ${n(t.acceptedPerSecond)} accepted/s`;
  };
  const settled = (side: GrownSide) => {
    const t = side.throughput;
    return t.settleMs === null
      ? 'not all settled'
      : `${(t.settleMs / 1000).toFixed(2)} s, ${n(t.processedPerSecond ?? 0)} orders/s`;
  };
  const exact = (side: GrownSide, scenario: 'throughput' | 'createCancel') =>
    side[scenario].check.exact ? 'exact' : `${side[scenario].check.problems.length} discrepancies`;
  const g = r.grown;
  return [
    {
      what: 'database (data + index) when the scenarios start',
      fresh: size(r.fresh),
      grown: size(g),
      ratio: '—',
      target: `grown ≥ ${GROWN_TARGETS.multiple}× the pool`,
      result: verdict(g.sizeBytes >= GROWN_TARGETS.multiple * pool),
    },
    {
      what: `REQ-3.2.2 orders accepted (202) at ${n(g.throughput.stream.rate ?? 0)}/s`,
      fresh: accepted(r.fresh),
      grown: accepted(g),
      ratio: '—',
      target: `${n(g.throughput.orders)} of ${n(g.throughput.orders)}`,
      result: verdict(g.throughput.accepted === g.throughput.orders),
    },
    latencyRow(
      'REQ-3.2.2 POST /orders',
      (s) => s.throughput.stream,
      (s) => s.throughput.machineCpu,
      r,
      null,
    ),
    {
      what: 'REQ-3.2.2 first send → every order settled',
      fresh: settled(r.fresh),
      grown: settled(g),
      ratio:
        r.fresh.throughput.processedPerSecond && g.throughput.processedPerSecond
          ? times(g.throughput.processedPerSecond, r.fresh.throughput.processedPerSecond)
          : '—',
      target: '—',
      result: 'info',
    },
    pageReadsRow('REQ-3.2.2 disk page reads per order placed', (s) => s.throughput.pageReads, r),
    {
      what: 'REQ-3.2.2 final stock and balances',
      fresh: exact(r.fresh, 'throughput'),
      grown: exact(g, 'throughput'),
      ratio: '—',
      target: 'exact',
      result: verdict(g.throughput.check.exact),
    },
    latencyRow(
      `REQ-3.3.1 POST /orders at ${n(g.createCancel.create.rate ?? 0)}/s, beside the cancels`,
      (s) => s.createCancel.create,
      (s) => s.createCancel.machineCpu,
      r,
      GROWN_TARGETS.requirementP99Ms,
    ),
    latencyRow(
      `REQ-3.3.1 POST /orders/{id}/cancel at ${n(g.createCancel.cancel.rate ?? 0)}/s`,
      (s) => s.createCancel.cancel,
      (s) => s.createCancel.machineCpu,
      r,
      GROWN_TARGETS.requirementP99Ms,
    ),
    pageReadsRow('REQ-3.3.1 disk page reads per order placed', (s) => s.createCancel.pageReads, r),
    {
      what: 'REQ-3.3.1 final stock and balances',
      fresh: exact(r.fresh, 'createCancel'),
      grown: exact(g, 'createCancel'),
      ratio: '—',
      target: 'exact',
      result: verdict(g.createCancel.check.exact),
    },
  ];
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** The generated section of one driver's --grown run: fresh and grown side by side. */
export function grownSection(r: GrownResults, json: string): string {
  const h = r.history;
  const m = r.machine;
  const tables = Object.entries(h.size.tables)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, t]) =>
        `${name} ${n(t.rows)} rows, ${mib(t.dataBytes)} data + ${mib(t.indexBytes)} index`,
    )
    .join('; ');
  const loaded = h.fromCache
    ? `taken from the data directory an earlier run loaded (bench/tmp/grown, key ${h.cacheKey}; it loaded at ${n(h.ordersPerSecond)} orders/s)`
    : `loaded by this run in ${(h.loadMs / 1000).toFixed(0)} s (${n(h.ordersPerSecond)} orders/s)`;
  const cpu = (side: GrownSide) =>
    side.throughput.machineCpu ? describeMachineCpu(side.throughput.machineCpu) : 'not measured';
  return [
    `### Grown database, queue driver ${r.driver}, ${MODE_TITLES[r.mode]} (${r.date})`,
    '',
    ...(r.options.quick
      ? ['> **--quick run: sizes are tiny, the figures mean nothing.**', '']
      : []),
    '| What | Fresh database | Grown database | Grown ÷ fresh | Target | Result |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows(r).map(
      (row) =>
        `| ${[row.what, row.fresh, row.grown, row.ratio, row.target, row.result].map(cell).join(' | ')} |`,
    ),
    '',
    `Grown database: ${n(h.orders)} orders written through the service's own code ` +
      `(bench/grown/history-loader.ts), ${loaded}: ${mib(h.size.bytes)}, ${n(h.bytesPerOrder)} ` +
      `bytes per order, ${h.multiple}× the ${mib(h.bufferPoolBytes)} buffer pool. ${tables}.`,
    '',
    `Both databases on one MariaDB of the bench's own (innodb_buffer_pool_size ` +
      `${mib(h.bufferPoolBytes)}, innodb_flush_log_at_trx_commit=` +
      `${m.mariadbSettings.innodb_flush_log_at_trx_commit}), fresh first, then grown. Disk page ` +
      'reads: the growth of Innodb_buffer_pool_reads over the whole scenario (seeding included) ÷ ' +
      'the orders it placed. Machine: ' +
      `${m.cpuModel}, ${m.cores} cores; Node ${m.node}; MariaDB ${m.mariadb}. Commit ` +
      `\`${m.commit.slice(0, 12)}\`${m.dirty ? ' with uncommitted changes' : ''}. REQ-3.2.2's ` +
      `CPU: fresh ${cpu(r.fresh)}; grown ${cpu(r.grown)}.`,
    '',
    `All figures: [${json}](${json})`,
  ].join('\n');
}
