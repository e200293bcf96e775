import { parseArgs } from 'node:util';
import type { Driver } from './service/environment';
import { PROCESS_MODES, type ProcessMode } from './service/service-processes';

export interface BenchOptions {
  drivers: Driver[];
  /** Each driver runs the service in each of these ways, one after the other. */
  modes: ProcessMode[];
  /** REQ-3.3.1's load again, on the service restarted, from the moment it is ready. */
  coldStart: boolean;
  /** The checkout whose service is built and measured; null for this one. */
  service: string | null;
  /** REQ-3.1.1: GET /products/{id} per second, over `products` products, for `seconds`. */
  rate: number;
  seconds: number;
  products: number;
  /** REQ-3.2.1: simultaneous orders for one product with stock 1. */
  contention: number;
  /** REQ-3.2.2: orders sent at `orderRate` by `customers` customers over `orderProducts` products. */
  orders: number;
  orderRate: number;
  customers: number;
  orderProducts: number;
  /** REQ-3.3.1: POST /orders and POST /orders/{id}/cancel per second, for `seconds`. */
  createRate: number;
  cancelRate: number;
  /** Unmeasured load at the scenario's rate before measuring (JIT, caches, pools). */
  warmupSeconds: number;
  saturation: boolean;
  stepSeconds: number;
  stepFactor: number;
  maxSteps: number;
  /** The service's tuning (src/config/config.ts); the defaults are the service's own. */
  workerConcurrency: number;
  workerBatchSize: number;
  apiBatchSize: number;
  dbPoolSize: number;
  connections: number;
  /** Run the service's processes under `node --cpu-prof`, profiles in bench/tmp/. */
  cpuProf: boolean;
  /** Run the service with tracing on, exporting to a sink of the bench's own. */
  traces: boolean;
  quick: boolean;
  /**
   * REQ-3.2.2 and REQ-3.3.1 on a database grown to `grownMultiple` × a `bufferPoolMb` buffer pool
   * and on a fresh one, on a MariaDB of the bench's own (bench/grown/).
   */
  grown: boolean;
  grownMultiple: number;
  bufferPoolMb: number;
}

const DEFAULTS: Omit<
  BenchOptions,
  | 'drivers'
  | 'modes'
  | 'coldStart'
  | 'service'
  | 'saturation'
  | 'cpuProf'
  | 'traces'
  | 'quick'
  | 'grown'
> = {
  rate: 1000,
  seconds: 10,
  products: 100,
  contention: 100,
  orders: 10_000,
  orderRate: 1000,
  customers: 1000,
  orderProducts: 200,
  createRate: 1000,
  cancelRate: 1000,
  warmupSeconds: 2,
  stepSeconds: 4,
  stepFactor: 1.25,
  maxSteps: 10,
  workerConcurrency: 128,
  workerBatchSize: 64,
  apiBatchSize: 100,
  dbPoolSize: 10,
  connections: 128,
  grownMultiple: 8,
  bufferPoolMb: 32,
};

/** Everything small, for developing the bench itself: figures mean nothing. */
const QUICK: Partial<BenchOptions> = {
  rate: 200,
  seconds: 2,
  products: 20,
  contention: 20,
  orders: 500,
  orderRate: 200,
  customers: 50,
  orderProducts: 20,
  createRate: 100,
  cancelRate: 100,
  warmupSeconds: 0.5,
  stepSeconds: 1,
  maxSteps: 3,
};

const NUMERIC = Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[];

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export const USAGE = `npm run bench -- [options]
  --drivers bullmq,rabbitmq   queue drivers to run the service on (default both)
  --modes two-process,single-process
                              ROLE=api + ROLE=worker, and ROLE=all (default both)
  --skip-cold-start           no REQ-3.3.1 load on a just-restarted service
  --service DIR               build and measure the service of another checkout (the bench,
                              its options and its report stay this one's)
  --quick                     everything small, for development
  --skip-saturation           no rate steps beyond the requirements
  --cpu-prof                  profile the API and worker processes (bench/tmp/*.cpuprofile)
  --traces                    tracing on: the service exports every span (OTLP http/protobuf)
                              to a sink in the bench that drops them
  --grown                     only REQ-3.2.2 and REQ-3.3.1, on a database grown to
                              --grown-multiple × a --buffer-pool-mb buffer pool and on a fresh
                              one, on a MariaDB of the bench's own; two processes unless --modes
                              says otherwise; no saturation steps, no cold start
${NUMERIC.map((name) => `  --${kebab(name)} N`.padEnd(30) + `default ${DEFAULTS[name]}`).join('\n')}`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      drivers: { type: 'string' },
      modes: { type: 'string' },
      'skip-cold-start': { type: 'boolean' },
      service: { type: 'string' },
      quick: { type: 'boolean' },
      'skip-saturation': { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      traces: { type: 'boolean' },
      grown: { type: 'boolean' },
      help: { type: 'boolean' },
      ...Object.fromEntries(NUMERIC.map((name) => [kebab(name), { type: 'string' as const }])),
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick === true;
  const grown = values.grown === true;
  const options: BenchOptions = {
    ...DEFAULTS,
    ...(quick ? QUICK : {}),
    drivers: ['bullmq', 'rabbitmq'],
    modes: grown ? ['two-process'] : [...PROCESS_MODES],
    coldStart: !grown && values['skip-cold-start'] !== true,
    service: typeof values.service === 'string' ? values.service : null,
    saturation: !grown && values['skip-saturation'] !== true,
    cpuProf: values['cpu-prof'] === true,
    traces: values.traces === true,
    quick,
    grown,
  };
  for (const name of NUMERIC) {
    const raw = values[kebab(name) as keyof typeof values];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${kebab(name)} must be > 0`);
    options[name] = value;
  }
  if (typeof values.drivers === 'string') {
    const drivers = values.drivers.split(',').map((d) => d.trim());
    for (const driver of drivers) {
      if (driver !== 'bullmq' && driver !== 'rabbitmq') {
        throw new Error(`--drivers: unknown driver "${driver}"`);
      }
    }
    options.drivers = drivers as Driver[];
  }
  if (typeof values.modes === 'string') {
    const modes = values.modes.split(',').map((mode) => mode.trim());
    for (const mode of modes) {
      if (!(PROCESS_MODES as readonly string[]).includes(mode)) {
        throw new Error(`--modes: unknown mode "${mode}"`);
      }
    }
    options.modes = modes as ProcessMode[];
  }
  return options;
}
