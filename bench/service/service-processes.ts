import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { startServiceRole, type RunningChild } from './service-process';

/**
 * How the service runs: an API process and a worker process (`ROLE=api` + `ROLE=worker`), or one
 * process doing both (`ROLE=all`, what `npm start` gives a user).
 */
export type ProcessMode = 'two-process' | 'single-process';

export const PROCESS_MODES: readonly ProcessMode[] = ['two-process', 'single-process'];

export interface ServiceProcesses {
  mode: ProcessMode;
  /** The process that serves HTTP; in single-process mode it is the worker too. */
  api: RunningChild;
  /** The worker's own process; null in single-process mode. */
  worker: RunningChild | null;
  stop(): Promise<void>;
}

export interface ServiceLaunch {
  /** The checkout whose dist/main.js runs. */
  root: string;
  mode: ProcessMode;
  env: Record<string, string>;
  /** Extra Node flags for a process by its role (--cpu-prof and its file name). */
  nodeFlags(role: 'all' | 'api' | 'worker'): string[];
}

function processes(
  mode: ProcessMode,
  api: RunningChild,
  worker: RunningChild | null,
): ServiceProcesses {
  return {
    mode,
    api,
    worker,
    async stop() {
      await api.stop();
      await worker?.stop();
    },
  };
}

/** Starts the service on a fresh database: each process once the one before it has started. */
export async function startServiceProcesses(launch: ServiceLaunch): Promise<ServiceProcesses> {
  const { root, mode, env, nodeFlags } = launch;
  if (mode === 'single-process') {
    return processes(mode, await startServiceRole(root, 'all', env, nodeFlags('all')), null);
  }
  // The API first: it creates the schema, and the worker then finds nothing to migrate.
  const api = await startServiceRole(root, 'api', env, nodeFlags('api'));
  try {
    return processes(mode, api, await startServiceRole(root, 'worker', env, nodeFlags('worker')));
  } catch (error) {
    await api.stop();
    throw error;
  }
}

/** A port nothing listens on now, for a service whose address must be known before it starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port was assigned');
  return address.port;
}

const READY_POLL_MS = 10;
const READY_DEADLINE_MS = 60_000;

/**
 * Asks GET /ready every 10 ms until it answers 200; a refused or failed request is a "not yet",
 * until the deadline.
 */
async function pollReady(origin: string, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + READY_DEADLINE_MS;
  let last = 'no answer';
  while (!signal.aborted && performance.now() < deadline) {
    try {
      const answer = await request(`${origin}/ready`, { signal, headersTimeout: 5000 });
      await answer.body.dump();
      if (answer.statusCode === 200) return;
      last = `HTTP ${answer.statusCode}`;
    } catch (error) {
      last = (error as { code?: string }).code ?? String(error);
    }
    await sleep(READY_POLL_MS);
  }
  throw new Error(`${origin}/ready did not answer 200 (last: ${last})`);
}

export interface ColdService {
  service: ServiceProcesses;
  /** From spawning the processes until the service was ready. */
  readyAfterMs: number;
}

/**
 * Starts every process at once on a database already migrated, as a deployment restarts, and
 * resolves the moment the service is ready, as a load balancer and an operator would see it: the
 * API's GET /ready answers 200, and the worker (in two-process mode) has said that it started.
 */
export async function startColdService(launch: ServiceLaunch, port: number): Promise<ColdService> {
  const { root, mode, env, nodeFlags } = launch;
  const spawnedAt = performance.now();
  const polling = new AbortController();
  const ready = pollReady(`http://127.0.0.1:${port}`, polling.signal);
  // Awaited below, once the processes have started; a failure meanwhile is not unhandled.
  ready.catch(() => undefined);
  const starts = await Promise.allSettled(
    mode === 'single-process'
      ? [startServiceRole(root, 'all', env, nodeFlags('all'), port)]
      : [
          startServiceRole(root, 'api', env, nodeFlags('api'), port),
          startServiceRole(root, 'worker', env, nodeFlags('worker')),
        ],
  );
  const started = starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
  const failed = starts.find((start) => start.status === 'rejected');
  try {
    if (failed) throw failed.reason;
    await ready;
  } catch (error) {
    polling.abort();
    await ready.catch(() => undefined);
    await Promise.all(started.map((child) => child.stop()));
    throw error;
  }
  const readyAfterMs = Math.round(performance.now() - spawnedAt);
  const [api, worker] = started as [RunningChild, RunningChild | undefined];
  return { service: processes(mode, api, worker ?? null), readyAfterMs };
}
