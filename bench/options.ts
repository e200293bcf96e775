import { parseArgs } from 'node:util';
import type { Driver } from './service/environment';

export interface BenchOptions {
  drivers: Driver[];
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
  quick: boolean;
}

const DEFAULTS: Omit<BenchOptions, 'drivers' | 'saturation' | 'cpuProf' | 'quick'> = {
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
  --quick                     everything small, for development
  --skip-saturation           no rate steps beyond the requirements
  --cpu-prof                  profile the API and worker processes (bench/tmp/*.cpuprofile)
${NUMERIC.map((name) => `  --${kebab(name)} N`.padEnd(30) + `default ${DEFAULTS[name]}`).join('\n')}`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      drivers: { type: 'string' },
      quick: { type: 'boolean' },
      'skip-saturation': { type: 'boolean' },
      'cpu-prof': { type: 'boolean' },
      help: { type: 'boolean' },
      ...Object.fromEntries(NUMERIC.map((name) => [kebab(name), { type: 'string' as const }])),
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick === true;
  const options: BenchOptions = {
    ...DEFAULTS,
    ...(quick ? QUICK : {}),
    drivers: ['bullmq', 'rabbitmq'],
    saturation: values['skip-saturation'] !== true,
    cpuProf: values['cpu-prof'] === true,
    quick,
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
  return options;
}
