import { Pool } from 'undici';

export type Method = 'GET' | 'POST' | 'PATCH';

export interface JsonAnswer<T> {
  status: number;
  body: T;
}

/**
 * Keep-alive connections to one origin. Enough of them that the generator never waits for a free
 * socket at the rates it drives (a request beyond them would queue in the client, unseen).
 */
export class HttpTarget {
  private readonly pool: Pool;

  constructor(
    readonly origin: string,
    connections: number,
  ) {
    this.pool = new Pool(origin, {
      connections,
      pipelining: 1,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
  }

  /** Sends and discards the answer's body: resolves with the status once it is all read. */
  async send(method: Method, path: string, body?: unknown): Promise<number> {
    const answer = await this.pool.request(this.options(method, path, body));
    await answer.body.dump();
    return answer.statusCode;
  }

  async json<T>(method: Method, path: string, body?: unknown): Promise<JsonAnswer<T>> {
    const answer = await this.pool.request(this.options(method, path, body));
    return { status: answer.statusCode, body: (await answer.body.json()) as T };
  }

  /** Like json(), but anything other than `expected` is an error. */
  async expect<T>(expected: number, method: Method, path: string, body?: unknown) {
    const answer = await this.json<T>(method, path, body);
    if (answer.status !== expected) {
      throw new Error(`${method} ${path} answered ${answer.status}, not ${expected}`);
    }
    return answer.body;
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private options(method: Method, path: string, body: unknown) {
    return body === undefined
      ? { method, path }
      : {
          method,
          path,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        };
  }
}
