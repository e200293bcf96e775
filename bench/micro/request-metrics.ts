/**
 * What the HTTP histogram costs a request: `node dist-bench/bench/micro/request-metrics.js`
 * after `tsc -p tsconfig.bench.json`. Runs the metrics middleware around a handler that does
 * nothing, against the same handler alone, and one `requestServed` on its own; prints ns per
 * request. A rough figure (one process, a warm JIT), for BENCHMARKS.md.
 */
import { performance } from 'node:perf_hooks';
import type { Context, Next } from 'koa';
import { measureRequests } from '../../src/adapters/http/koa/request-metrics';
import { PrometheusMetrics } from '../../src/adapters/metrics/prometheus/prometheus-metrics';

const ROUNDS = 5;
const CALLS = 1_000_000;
const ROUTES = ['/products/:id', '/orders/:id', '/orders', '/customers/:id'];
const STATUSES = [200, 202, 404, 422];

function context(index: number): Context {
  return {
    method: 'GET',
    status: STATUSES[index % STATUSES.length],
    _matchedRoute: ROUTES[index % ROUTES.length],
  } as unknown as Context;
}

const contexts = Array.from({ length: 16 }, (_, index) => context(index));
const next: Next = () => Promise.resolve();

async function nsPerCall(run: (ctx: Context) => unknown): Promise<number> {
  const start = performance.now();
  for (let call = 0; call < CALLS; call += 1) await run(contexts[call & 15]!);
  return ((performance.now() - start) * 1e6) / CALLS;
}

async function main(): Promise<void> {
  const metrics = new PrometheusMetrics();
  const measured = measureRequests(metrics);
  const bare = (_ctx: Context) => next();
  const rows: Record<string, number[]> = { bare: [], measured: [], requestServed: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    rows.bare!.push(await nsPerCall(bare));
    rows.measured!.push(await nsPerCall((ctx) => measured(ctx, next)));
    rows.requestServed!.push(
      await nsPerCall((ctx) =>
        metrics.requestServed('GET', ctx._matchedRoute as string, ctx.status, 0.001),
      ),
    );
  }
  const best = (values: number[]) => Math.min(...values);
  const result = {
    calls: CALLS,
    rounds: ROUNDS,
    bareNs: best(rows.bare!),
    measuredNs: best(rows.measured!),
    middlewareNs: best(rows.measured!) - best(rows.bare!),
    requestServedNs: best(rows.requestServed!),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

void main();
