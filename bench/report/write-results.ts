import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { formatMs } from '../load/histogram';
import { TARGETS } from '../scenarios/targets';
import { driverSection, rewriteSection, sectionKey } from './markdown';
import { grownSection } from './grown-markdown';
import type { DriverResults, GrownResults, StreamResult } from './results';
import { latencyChartSvg, type ChartLine, type LatencyChart } from './svg-chart';

const PREAMBLE = '# Benchmarks\n';

function coldBesideWarm(cold: StreamResult, warm: StreamResult): ChartLine[] {
  return [
    { label: `${cold.endpoint}, cold (p99 ${formatMs(cold.latency.p99)})`, curve: cold.curve },
    {
      label: `${warm.endpoint}, warm (p99 ${formatMs(warm.latency.p99)})`,
      curve: warm.curve,
      dashed: true,
    },
  ];
}

function charts(r: DriverResults): { slug: string; chart: LatencyChart }[] {
  const n = (value: number | null) => (value ?? 0).toLocaleString('en-US');
  const where = `${r.driver} · ${r.mode} · ${r.date} · ${r.machine.cores} cores`;
  const orderTarget = { ms: TARGETS.orderP99Ms, label: `target p99 ≤ ${TARGETS.orderP99Ms} ms` };
  const { reads, contention, throughput, createCancel, baselines } = r;
  return [
    {
      slug: 'req-3.1.1-product-reads',
      chart: {
        title: `REQ-3.1.1 GET /products/{id} at ${n(reads.stream.rate)} req/s`,
        subtitle: where,
        lines: [
          {
            label: `GET /products/{id} (p99 ${formatMs(reads.stream.latency.p99)})`,
            curve: reads.stream.curve,
          },
          {
            label: `bare Koa baseline (p99 ${formatMs(baselines.bareKoa.stream.latency.p99)})`,
            curve: baselines.bareKoa.stream.curve,
            dashed: true,
          },
        ],
        target: { ms: TARGETS.readP99Ms, label: `target p99 ≤ ${TARGETS.readP99Ms} ms` },
      },
    },
    {
      slug: 'req-3.2.1-stock-contention',
      chart: {
        title: `REQ-3.2.1 ${contention.orders} simultaneous POST /orders, stock 1`,
        subtitle: `${where} · latency from the common send instant`,
        lines: [
          {
            label: `POST /orders (p99 ${formatMs(contention.stream.latency.p99)})`,
            curve: contention.stream.curve,
          },
        ],
      },
    },
    {
      slug: 'req-3.2.2-order-throughput',
      chart: {
        title: `REQ-3.2.2 ${n(throughput.orders)} POST /orders at ${n(throughput.stream.rate)}/s`,
        subtitle: where,
        lines: [
          {
            label: `POST /orders (p99 ${formatMs(throughput.stream.latency.p99)})`,
            curve: throughput.stream.curve,
          },
        ],
        target: { ...orderTarget, label: `${orderTarget.label} (REQ-3.3.1's create target)` },
      },
    },
    {
      slug: 'req-3.3.1-create-cancel',
      chart: {
        title: `REQ-3.3.1 create and cancel at ${n(createCancel.create.rate)}/s each`,
        subtitle: where,
        lines: [createCancel.create, createCancel.cancel].map((stream) => ({
          label: `${stream.endpoint} (p99 ${formatMs(stream.latency.p99)})`,
          curve: stream.curve,
        })),
        target: orderTarget,
      },
    },
    ...(r.coldStart
      ? [
          {
            slug: 'req-3.3.1-cold-start',
            chart: {
              title: `REQ-3.3.1 from a cold start, at ${n(r.coldStart.create.rate)}/s each`,
              subtitle: `${where} · solid: from the moment /ready answers 200; dashed: warm`,
              lines: [
                ...coldBesideWarm(r.coldStart.create, createCancel.create),
                ...coldBesideWarm(r.coldStart.cancel, createCancel.cancel),
              ],
              target: orderTarget,
            },
          },
        ]
      : []),
  ];
}

/**
 * Writes bench/results/<date>-<driver>.json and one SVG per scenario, then rewrites this
 * driver's generated section of BENCHMARKS.md (formatted as Prettier would, so lint stays green).
 */
export async function writeResults(root: string, r: DriverResults): Promise<string[]> {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const base = `${r.date}-${sectionKey(r)}`;
  const json = join(dir, `${base}.json`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  const written = [json];
  const links: { title: string; file: string }[] = [];
  for (const { slug, chart } of charts(r)) {
    const file = join(dir, `${base}-${slug}.svg`);
    writeFileSync(file, latencyChartSvg(chart));
    written.push(file);
    links.push({ title: slug.replace(/-/g, ' '), file: relative(root, file) });
  }

  const markdown = join(root, 'BENCHMARKS.md');
  rewriteSection(markdown, sectionKey(r), driverSection(r, links, relative(root, json)), PREAMBLE);
  await formatMarkdown(markdown);
  written.push(markdown);
  return written;
}

/** Formatted as Prettier would, so that lint stays green. */
async function formatMarkdown(markdown: string): Promise<void> {
  const config = (await resolveConfig(markdown)) ?? {};
  writeFileSync(
    markdown,
    await format(readFileSync(markdown, 'utf8'), { ...config, filepath: markdown }),
  );
}

/**
 * Writes bench/results/<date>-<driver>-grown.json and rewrites that run's generated section of
 * BENCHMARKS.md.
 */
export async function writeGrownResults(root: string, r: GrownResults): Promise<string[]> {
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const key = `${sectionKey(r)}-grown`;
  const json = join(dir, `${r.date}-${key}.json`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  const markdown = join(root, 'BENCHMARKS.md');
  rewriteSection(markdown, key, grownSection(r, relative(root, json)), PREAMBLE);
  await formatMarkdown(markdown);
  return [json, markdown];
}
