import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

const storage = new AsyncLocalStorage<{ requestId: string }>();

/** A caller's id is kept only when it is short and plain, so it cannot forge log lines or headers. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of the request being served, for log lines written anywhere below the HTTP adapter. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Echoes the caller's `X-Request-Id` (or a new one) and makes it current for the whole request. */
export function requestId(): Middleware {
  return (ctx, next) => {
    const offered = ctx.get('X-Request-Id');
    const id = ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
    ctx.set('X-Request-Id', id);
    return storage.run({ requestId: id }, next);
  };
}
