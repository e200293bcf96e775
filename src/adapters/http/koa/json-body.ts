import type { Context, Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { HttpProblem } from './error-middleware';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** koa-body decodes every body as UTF-8 whatever it declares, so another charset is refused. */
const UTF8 = new Set(['', 'utf-8', 'utf8']);

/** A POST without a body (a cancel) often still sends `Content-Length: 0`: that is no content. */
function carriesContent(ctx: Context): boolean {
  const length = ctx.request.length;
  return (length !== undefined && length > 0) || ctx.get('Transfer-Encoding') !== '';
}

/**
 * Reading a body fails for what the client sent (too large, undecodable, broken JSON, a corrupt
 * gzip stream that zlib rejects without a status) or, with a 5xx status, for a server fault.
 * The messages are the libraries'; ours replace them.
 */
function translate(error: unknown, limit: string): unknown {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 500) return error;
  if (status === 413) {
    return new HttpProblem('PAYLOAD_TOO_LARGE', `The body must be at most ${limit}`);
  }
  if (status === 415) {
    return new HttpProblem(
      'UNSUPPORTED_MEDIA_TYPE',
      'The body uses an unsupported Content-Encoding',
    );
  }
  return new HttpProblem('MALFORMED_JSON', 'The body could not be read as a JSON object or array');
}

/**
 * Parses JSON bodies only, into `ctx.request.body`. A body in any other media type is refused
 * rather than ignored, so a client never sees a confusing validation error for it.
 */
export function jsonBody(limit: string): Middleware {
  const parse = koaBody({
    json: true,
    jsonLimit: limit,
    jsonStrict: true,
    urlencoded: false,
    text: false,
    multipart: false,
  }) as unknown as Middleware;
  const done = async (): Promise<void> => undefined;
  return async (ctx, next) => {
    if (METHODS_WITH_BODY.has(ctx.method) && carriesContent(ctx)) {
      if (!ctx.is('application/json')) {
        throw new HttpProblem(
          'UNSUPPORTED_MEDIA_TYPE',
          'Send the body as application/json (Content-Type: application/json)',
        );
      }
      if (!UTF8.has(ctx.request.charset.toLowerCase())) {
        throw new HttpProblem('UNSUPPORTED_MEDIA_TYPE', 'Send the body in UTF-8');
      }
      try {
        await parse(ctx, done);
      } catch (error) {
        throw translate(error, limit);
      }
    }
    await next();
  };
}

/** The parsed JSON body, or undefined when the request had none. */
export function requestBody(ctx: Context): unknown {
  return (ctx.request as { body?: unknown }).body;
}
