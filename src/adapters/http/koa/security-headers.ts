import type { Middleware } from 'koa';
import helmet from 'koa-helmet';

const noSniff = helmet.noSniff();
const nothingMore = async (): Promise<void> => undefined;

/**
 * `X-Content-Type-Options: nosniff` on every answer, so that no browser reads a body as anything
 * but its declared type. Added once the rest of the chain is done: the error middleware clears
 * the headers of a failed request before it writes the problem.
 */
export function noSniffEveryAnswer(): Middleware {
  return async (ctx, next) => {
    await next();
    await noSniff(ctx, nothingMore);
  };
}

/**
 * For the /docs viewer: it may load only its own scripts, styles and the document, and no page
 * may frame it (clickjacking).
 */
export const docsHeaders: Middleware[] = [
  helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
    },
  }),
  helmet.frameguard({ action: 'deny' }),
];
