import { randomUUID } from 'node:crypto';
import type { Context, Middleware } from 'koa';

/** A caller's id is kept only when it is short and plain, so it cannot forge log lines or headers. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id of the request being served, for its log lines. Kept on the context rather than in an
 * AsyncLocalStorage: only the HTTP adapter logs with it, and it has the context at hand, while
 * AsyncLocalStorage would put a hook on every promise the process makes (database, broker).
 */
export function requestIdOf(ctx: Context): string | undefined {
  const id: unknown = ctx.state.requestId;
  return typeof id === 'string' ? id : undefined;
}

/** Echoes the caller's `X-Request-Id` (or a new one) and keeps it for the request's log lines. */
export function requestId(): Middleware {
  return (ctx, next) => {
    const offered = ctx.get('X-Request-Id');
    const id = ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
    ctx.set('X-Request-Id', id);
    ctx.state.requestId = id;
    return next();
  };
}
