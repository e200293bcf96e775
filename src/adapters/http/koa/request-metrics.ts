import { performance } from 'node:perf_hooks';
import type { RouterContext } from '@koa/router';
import type { Middleware } from 'koa';

/** What the HTTP adapter reports to, and serves at `GET /metrics`. */
export interface HttpMetrics {
  requestServed(method: string, route: string, status: number, seconds: number): void;
  readonly contentType: string;
  exposition(): Promise<string>;
}

/** The one label of every request no route answered: raw paths would make a series each. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Observes every request's duration by method, route template and status. First in the chain,
 * so the status is the one the error middleware settled on.
 */
export function measureRequests(metrics: HttpMetrics): Middleware {
  return async (ctx, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const route = (ctx as unknown as RouterContext)._matchedRoute;
      metrics.requestServed(
        ctx.method,
        typeof route === 'string' ? route : UNMATCHED_ROUTE,
        ctx.status,
        (performance.now() - start) / 1000,
      );
    }
  };
}
