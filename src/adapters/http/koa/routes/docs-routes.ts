import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type Router from '@koa/router';
import type { Middleware } from 'koa';
// The package root loads the whole UI bundle into the process (~28 MB); this entry only finds it.
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path';
import type { OpenApiDocument } from '../openapi';
import { docsHeaders } from '../security-headers';

/** Only these files of swagger-ui-dist are served: no path from the URL reaches the file system. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const INDEX = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Order service API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css">
    <link rel="stylesheet" href="/docs/index.css">
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/initializer.js"></script>
  </body>
</html>
`;

const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
  });
};
`;

/**
 * `/openapi.json` and an interactive viewer at `/docs`, served from the installed bundle.
 * `anonymous` runs first on each: they are public, within the anonymous rate limit.
 */
export function docsRoutes(
  router: Router,
  document: () => OpenApiDocument,
  anonymous: Middleware,
): void {
  const root = getAbsoluteFSPath();

  router.get('/openapi.json', anonymous, (ctx) => {
    ctx.body = document();
  });

  router.get(['/docs', '/docs/'], anonymous, ...docsHeaders, (ctx) => {
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = INDEX;
  });

  router.get('/docs/initializer.js', anonymous, ...docsHeaders, (ctx) => {
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.body = INITIALIZER;
  });

  router.get('/docs/:asset', anonymous, ...docsHeaders, (ctx, next) => {
    const asset = ctx.params.asset ?? '';
    const type = Object.hasOwn(ASSETS, asset) ? ASSETS[asset] : undefined;
    if (!type) return next();
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = createReadStream(join(root, asset));
  });
}
