import { Pool } from 'undici';

export type Method = 'GET' | 'POST' | 'PATCH';

export interface JsonAnswer<T> {
  status: number;
  body: T;
}

type Headers = Record<string, string>;

/**
 * Keep-alive connections to one origin. Enough of them that the generator never waits for a free
 * socket at the rates it drives (a request beyond them would queue in the client, unseen).
 * Requests are anonymous; as(token) sends them with a bearer token over the same connections.
 */
export class HttpTarget {
  private readonly jsonHeaders: Headers;

  private constructor(
    readonly origin: string,
    private readonly pool: Pool,
    private readonly headers: Headers,
  ) {
    this.jsonHeaders = { ...headers, 'content-type': 'application/json' };
  }

  static open(origin: string, connections: number): HttpTarget {
    const pool = new Pool(origin, {
      connections,
      pipelining: 1,
      headersTimeout: 60_000,
      bodyTimeout: 60_000,
    });
    return new HttpTarget(origin, pool, {});
  }

  /** The same connections, every request sent with `Authorization: Bearer <token>`. */
  as(token: string): HttpTarget {
    return new HttpTarget(this.origin, this.pool, { authorization: `Bearer ${token}` });
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

  /** Closes the connections, which every target made from this one by as() shares. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private options(method: Method, path: string, body: unknown) {
    return body === undefined
      ? { method, path, headers: this.headers }
      : { method, path, headers: this.jsonHeaders, body: JSON.stringify(body) };
  }
}
