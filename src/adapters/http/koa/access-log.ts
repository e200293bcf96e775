import { performance } from 'node:perf_hooks';
import type { Context, Middleware } from 'koa';
import type { Logger } from '../../../application/ports/logger';
import type { Tracing } from '../../../application/ports/tracing';
import { requestIdOf } from './request-id';

/** The route template @koa/router matched (`/orders/:id`), never the raw path; null when none did. */
function routeOf(ctx: Context): string | null {
  const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
  return typeof matched === 'string' ? matched : null;
}

/**
 * One line per request: who (`requestId`), what (`method`, the route template), how it ended
 * (`status`, `durationMs`) and, when tracing is on, the trace to look up. Never a body, a query or
 * a header: they may hold tokens and personal data. Off until `start()`, so that the start-up's
 * warm-up requests are summed up in one line of their own rather than logged one by one.
 */
export class AccessLog {
  private started = false;

  constructor(
    private readonly logger: Logger,
    private readonly tracing: Tracing,
  ) {}

  start(): void {
    this.started = true;
  }

  /** Goes inside the request-id middleware and outside the error middleware, to log the answer. */
  middleware(): Middleware {
    return async (ctx, next) => {
      const startedAt = performance.now();
      try {
        await next();
      } finally {
        const route = routeOf(ctx);
        if (route) this.tracing.nameRequest(ctx.method, route);
        if (this.started) {
          const traceId = this.tracing.traceId();
          this.logger.info('request', {
            requestId: requestIdOf(ctx),
            method: ctx.method,
            route,
            status: ctx.status,
            durationMs: Math.round((performance.now() - startedAt) * 100) / 100,
            ...(traceId ? { traceId } : {}),
          });
        }
      }
    };
  }
}
