import { performance } from 'node:perf_hooks';
import { latencyHistogram, recordMs, type Histogram } from './histogram';

/** Sends request number `index` and resolves with its HTTP status once the whole body is read. */
export type Send = (index: number) => Promise<number>;

export interface OpenModelOptions {
  /** Arrival rate, requests per second. */
  rate: number;
  /** Requests to schedule, at `1000 / rate` ms apart. */
  count: number;
  send: Send;
  /** Which statuses count as success; any other is an error under its status. */
  ok: (status: number) => boolean;
  /** A request whose turn comes this late is not sent at all: an `unsent` error. */
  maxLagMs?: number;
  /** Nor is one that would exceed this many requests in flight. */
  maxInFlight?: number;
  /** Also keep the latencies of each second of due times apart (latencyBySecond). */
  bySecond?: boolean;
}

export interface LoadRun {
  rate: number;
  scheduled: number;
  sent: number;
  ok: number;
  /** Failed requests by cause: `HTTP 503`, an error code such as `ECONNRESET`, or `unsent`. */
  errors: Record<string, number>;
  /** From the moment a request was due (not when it was sent) to the end of its answer, µs. */
  latency: Histogram;
  /** How late the generator sent each request after its due time, µs. */
  lag: Histogram;
  /** With `bySecond`: the latencies of the requests due in each second of the run, µs. */
  latencyBySecond: Histogram[];
  /** Wall clock of the first due time, ms since the epoch. */
  startedAt: number;
  /** From the first due time to the last answer, ms. */
  elapsedMs: number;
}

/** Short of an error code, the error's name is the next best stable key. */
function errorKey(error: unknown): string {
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : 'unknown error';
}

/**
 * An open-model load generator: request i is due at start + i / rate whether or not earlier ones
 * have been answered, and its latency is measured from that due time. A slow server therefore
 * shows its queueing in the latencies (no coordinated omission) instead of slowing the arrivals.
 * Timers wake about every millisecond; each wake-up sends every request that has come due.
 */
export function runOpenModel(options: OpenModelOptions): Promise<LoadRun> {
  const { rate, count, send, ok } = options;
  const maxLagMs = options.maxLagMs ?? 1000;
  const maxInFlight = options.maxInFlight ?? 20_000;
  const intervalMs = 1000 / rate;
  const latency = latencyHistogram();
  const lag = latencyHistogram();
  const latencyBySecond: Histogram[] = [];
  const errors: Record<string, number> = {};
  const fail = (key: string) => {
    errors[key] = (errors[key] ?? 0) + 1;
  };

  const start = performance.now();
  const startedAt = Date.now();
  let next = 0;
  let sent = 0;
  let succeeded = 0;
  let inFlight = 0;
  let finished = 0;
  let lastAnswer = start;

  return new Promise((resolve) => {
    const finishIfDone = () => {
      if (finished < count) return;
      resolve({
        rate,
        scheduled: count,
        sent,
        ok: succeeded,
        errors,
        latency,
        lag,
        latencyBySecond,
        startedAt,
        elapsedMs: lastAnswer - start,
      });
    };
    const answered = (due: number) => {
      const now = performance.now();
      lastAnswer = Math.max(lastAnswer, now);
      recordMs(latency, now - due);
      if (options.bySecond) {
        const second = Math.floor((due - start) / 1000);
        recordMs((latencyBySecond[second] ??= latencyHistogram()), now - due);
      }
    };

    const dispatch = (index: number, due: number) => {
      const lateMs = performance.now() - due;
      recordMs(lag, lateMs);
      if (lateMs > maxLagMs || inFlight >= maxInFlight) {
        fail('unsent');
        finished += 1;
        return;
      }
      sent += 1;
      inFlight += 1;
      send(index)
        .then(
          (status) => {
            answered(due);
            if (ok(status)) succeeded += 1;
            else fail(`HTTP ${status}`);
          },
          (error: unknown) => {
            lastAnswer = Math.max(lastAnswer, performance.now());
            fail(errorKey(error));
          },
        )
        .finally(() => {
          inFlight -= 1;
          finished += 1;
          finishIfDone();
        });
    };

    const tick = () => {
      while (next < count && start + next * intervalMs <= performance.now()) {
        dispatch(next, start + next * intervalMs);
        next += 1;
      }
      if (next < count) {
        setTimeout(tick, Math.max(0, start + next * intervalMs - performance.now()));
      } else {
        finishIfDone();
      }
    };
    if (count === 0) finishIfDone();
    else tick();
  });
}
