import { bearer, customerToken } from '../../support/tokens';
import { randomUUID } from 'node:crypto';
import { randomOrder, type OrderBody, type Shop } from './shop';

/** One answer the client saw: an HTTP status, or no answer at all. */
export interface Answer {
  /** When the request was sent (epoch ms). */
  at: number;
  /** How long its answer took. */
  ms: number;
  /** HTTP status, or `network` (refused, reset) or `timeout` (no answer in time). */
  outcome: number | 'network' | 'timeout';
  contentType: string | null;
  /** The problem document's `code`, for an error answer. */
  code: string | null;
  /** `Retry-After` in seconds, when the answer carried one. */
  retryAfter: number | null;
}

interface Sent {
  answer: Answer;
  id: string | null;
}

function seconds(header: string | null): number | null {
  const value = header === null ? Number.NaN : Number(header);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

async function postOrder(
  baseUrl: string,
  body: OrderBody,
  key: string,
  timeoutMs: number,
): Promise<Sent> {
  const at = Date.now();
  try {
    const response = await fetch(`${baseUrl}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': key,
        ...bearer(customerToken(body.customerId)),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: { id?: unknown; code?: unknown } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // Not JSON: recorded by its status and content type alone.
    }
    const ok = response.status === 202 || response.status === 200;
    return {
      answer: {
        at,
        ms: Date.now() - at,
        outcome: response.status,
        contentType: response.headers.get('content-type'),
        code: typeof parsed.code === 'string' ? parsed.code : null,
        retryAfter: seconds(response.headers.get('retry-after')),
      },
      id: ok && typeof parsed.id === 'string' ? parsed.id : null,
    };
  } catch (error) {
    const name = (error as Error).name;
    const outcome = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network';
    return {
      answer: { at, ms: Date.now() - at, outcome, contentType: null, code: null, retryAfter: null },
      id: null,
    };
  }
}

/**
 * `count` orders sent as fast as `concurrency` allows, each of which must be accepted: the
 * backlog a fault test then works through. Returns the accepted order ids.
 */
export async function placeBacklog(
  baseUrl: string,
  shop: Shop,
  count: number,
  concurrency = 16,
): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next += 1;
      const sent = await postOrder(baseUrl, randomOrder(shop), randomUUID(), 30_000);
      if (sent.answer.outcome !== 202 || !sent.id) {
        throw new Error(`placing the backlog: answered ${sent.answer.outcome} ${sent.answer.code}`);
      }
      ids.push(sent.id);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return ids;
}

export interface SteadyLoadOptions {
  ratePerSecond: number;
  /** A request without an answer after this long counts as a hang. */
  requestTimeoutMs?: number;
  /** Tries per order, the same Idempotency-Key each time, while there is no 2xx. */
  maxAttempts?: number;
}

/**
 * A client sending new orders at a steady rate, as a shop would, whatever happens to the
 * service: an order without a 2xx answer (refused, reset, 503, timeout) is sent again with the
 * same Idempotency-Key after a short pause, a bounded number of times. Every answer is kept.
 */
export class SteadyLoad {
  /** Ids of orders the service accepted (202, or 200/202 for a replayed key). */
  readonly accepted = new Set<string>();
  readonly answers: Answer[] = [];
  /** Orders that never got a 2xx within their attempts. */
  abandoned = 0;
  /** Orders answered with a 4xx: the load only sends valid orders, so this must stay 0. */
  refused = 0;
  private inFlightRequests = 0;
  private readonly chains = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly baseUrl: string,
    private readonly shop: Shop,
    private readonly options: SteadyLoadOptions,
  ) {
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 80;
  }

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.inFlightRequests;
  }

  start(): void {
    const tickMs = 20;
    let owed = 0;
    this.timer = setInterval(() => {
      owed += (this.options.ratePerSecond * tickMs) / 1000;
      for (; owed >= 1; owed -= 1) this.track(this.order(randomOrder(this.shop)));
    }, tickMs);
  }

  /** Stops sending new orders and waits for the ones under way, retries included. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.chains.size > 0) await Promise.all(this.chains);
  }

  /** Answers seen from `from` (inclusive) to `to` (exclusive), by epoch ms of the request. */
  between(from: number, to = Number.POSITIVE_INFINITY): Answer[] {
    return this.answers.filter((answer) => answer.at >= from && answer.at < to);
  }

  /** `status code` → count, for messages. */
  static tally(answers: readonly Answer[]): Record<string, number> {
    const tally: Record<string, number> = {};
    for (const { outcome, code } of answers) {
      const label = code ? `${outcome} ${code}` : String(outcome);
      tally[label] = (tally[label] ?? 0) + 1;
    }
    return tally;
  }

  private track(chain: Promise<void>): void {
    this.chains.add(chain);
    void chain.finally(() => this.chains.delete(chain));
  }

  private async order(body: OrderBody): Promise<void> {
    const key = randomUUID();
    for (let attempt = 1; attempt <= this.maxAttempts; attempt += 1) {
      this.inFlightRequests += 1;
      const sent = await postOrder(this.baseUrl, body, key, this.timeoutMs);
      this.inFlightRequests -= 1;
      this.answers.push(sent.answer);
      if (sent.id) {
        this.accepted.add(sent.id);
        return;
      }
      const { outcome } = sent.answer;
      if (typeof outcome === 'number' && outcome < 500) {
        this.refused += 1;
        return;
      }
      // A 503 says when to come back, as a well-behaved client honours; with no answer at
      // all, the client tries again soon, a little later each time.
      const pauseMs =
        sent.answer.retryAfter !== null
          ? sent.answer.retryAfter * 1000
          : Math.min(1000, 100 * attempt);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    this.abandoned += 1;
  }
}
