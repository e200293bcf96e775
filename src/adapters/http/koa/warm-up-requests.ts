import { Agent, createServer, request, type RequestListener, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface WarmUpRequestPlan {
  /** Rounds in all; a round is a request of each kind below. */
  rounds: number;
  /** Clients sending at once, so that the API's batches form as under load. */
  clients: number;
  /** No round starts after this long (a store that does not answer must not hold the start). */
  withinMs: number;
  /** An id of the shape the service makes, naming nothing. */
  nextId(): string;
  /** Signs a token for a customer that does not exist; null when the service cannot sign one. */
  customerToken: ((subject: string) => Promise<string>) | null;
}

/** Answers by status: what the warm-up ran, for the log. */
export type WarmUpAnswers = Record<string, number>;

interface Call {
  method: 'GET' | 'POST';
  path: string;
  token?: string;
  body?: unknown;
}

function send(origin: AddressInfo, agent: Agent, call: Call): Promise<number> {
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: origin.address,
        port: origin.port,
        agent,
        method: call.method,
        path: call.path,
        headers: {
          ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (answer) => {
        answer.resume();
        answer.on('end', () => resolve(answer.statusCode ?? 0));
        answer.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * What a round sends: an order for products that do not exist (refused, nothing stored), a
 * cancellation and a read of an order that does not exist, each as a customer that does not exist,
 * and an anonymous product read of a product that does not exist. Every path runs to the store and
 * back, and leaves nothing behind but a rate-limit bucket of that customer, which expires.
 */
function round(plan: WarmUpRequestPlan, token: string | null, index: number): Call[] {
  const product: Call = { method: 'GET', path: `/products/${plan.nextId()}` };
  if (token === null) return [product];
  const items = Array.from({ length: 1 + (index % 3) }, (_, line) => ({
    productId: plan.nextId(),
    quantity: 1 + line,
  }));
  return [
    { method: 'POST', path: '/orders', token, body: { items } },
    { method: 'POST', path: `/orders/${plan.nextId()}/cancel`, token },
    { method: 'GET', path: `/orders/${plan.nextId()}`, token },
    product,
  ];
}

/**
 * Runs the app's request paths before the service listens, on a server of its own on a loopback
 * port: Node then has compiled and optimised the code of every hot path, and each client library
 * has served a request of each kind, before the first real request arrives.
 */
export async function sendWarmUpRequests(
  listener: RequestListener,
  options: ServerOptions,
  plan: WarmUpRequestPlan,
): Promise<WarmUpAnswers> {
  const server = createServer(options, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: plan.clients });
  const answers: WarmUpAnswers = {};
  const stopAt = performance.now() + plan.withinMs;
  let next = 0;
  const client = async () => {
    // A customer of its own per client, so that its rate limit is not the warm-up's bound.
    const token = plan.customerToken ? await plan.customerToken(plan.nextId()) : null;
    for (let index = next++; index < plan.rounds && performance.now() < stopAt; index = next++) {
      for (const call of round(plan, token, index)) {
        const status = String(await send(origin, agent, call));
        answers[status] = (answers[status] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: plan.clients }, client));
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return answers;
}
