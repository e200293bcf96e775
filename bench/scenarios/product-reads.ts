import { formatMs } from '../load/histogram';
import type { HttpTarget } from '../load/http-client';
import { runOpenModel } from '../load/open-model';
import type { BenchOptions } from '../options';
import { streamResult, type ReadsResult } from '../report/results';
import { describeCpuPerOrder } from '../service/cpu-usage';
import { count, measureCpuPerOrder, measureMemory, type ScenarioContext } from './context';
import { findSaturation, judgeStep } from './saturation';
import { TARGETS } from './targets';
import { seedProducts } from './workload';

const ENDPOINT = 'GET /products/{id}';

/**
 * GET /products/{id} round-robin over `paths` at the given rate: warm-up, the measured run, then
 * the saturation search. Shared by the service and the bare Koa baseline, so both are driven the
 * same way.
 */
export async function measureReads(
  target: HttpTarget,
  paths: readonly string[],
  options: BenchOptions,
  log: (line: string) => void,
  duringRun?: () => { stop(reads: number): Pick<ReadsResult, 'memory' | 'cpu'> },
): Promise<Omit<ReadsResult, 'products'>> {
  const read = (rate: number, seconds: number) =>
    runOpenModel({
      rate,
      count: count(rate, seconds),
      send: (index) => target.send('GET', paths[index % paths.length] as string),
      ok: (status) => status === 200,
    });

  await read(options.rate, options.warmupSeconds);
  const sampling = duringRun?.();
  const run = await read(options.rate, options.seconds);
  const sampled = sampling?.stop(run.ok);
  const stream = streamResult(ENDPOINT, run, options.rate);
  log(
    `  ${ENDPOINT} at ${options.rate}/s: p99 ${formatMs(stream.latency.p99)}` +
      (sampled?.cpu ? `, CPU ${describeCpuPerOrder(sampled.cpu, 'read')}` : ''),
  );

  const saturation = options.saturation
    ? await findSaturation(
        {
          startRate: options.rate,
          factor: options.stepFactor,
          maxSteps: options.maxSteps,
          criterion: `p99 ≤ ${TARGETS.readP99Ms} ms, no errors, generator on schedule`,
        },
        async (rate) =>
          judgeStep(
            rate,
            [streamResult(ENDPOINT, await read(rate, options.stepSeconds), rate)],
            TARGETS.readP99Ms,
          ),
        log,
      )
    : null;
  return { stream, ...sampled, saturation };
}

/** REQ-3.1.1: product reads through the API (Redis cache in front of MySQL). */
export async function productReads(context: ScenarioContext): Promise<ReadsResult> {
  const { options, target } = context;
  const products = await seedProducts(
    context,
    Array.from({ length: options.products }, (_, i) => ({ price: 100 + i, stock: 1_000_000 })),
  );
  const paths = products.map((product) => `/products/${product.id}`);
  const result = await measureReads(target, paths, options, context.log, () => {
    const memory = measureMemory(context);
    const cpu = measureCpuPerOrder(context);
    return { stop: (reads) => ({ memory: memory.stop(), cpu: cpu.stop(reads) }) };
  });
  return { products: options.products, ...result };
}
