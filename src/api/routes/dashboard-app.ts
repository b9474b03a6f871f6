import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Hono } from 'hono';
import { DIST_DIR } from '../dashboard-build.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Built file names are Vite's `name-hash.ext`: anything else (`..`, slashes, odd bytes) is not ours. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * The dashboard's static files. They hold no data, so they load without the API token: the app
 * itself asks for the token and sends it with every API call. Only GET and HEAD of these paths.
 */
export function isPublicDashboardPath(method: string, pathname: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  return pathname === '/' || pathname === '/favicon.svg' || (pathname.startsWith('/assets/') && ASSET_NAME.test(pathname.slice(8)));
}

const NOT_BUILT = 'The dashboard is not built. Run `npm run build:dashboard` (or `npm start`, which builds it).\n';

async function readBuilt(relative: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path.join(DIST_DIR, relative));
  } catch {
    return undefined;
  }
}

/**
 * Serves the built single-page app: `/` is its HTML (revalidated on every load, so a rebuild shows at
 * once), `/assets/*` its content-hashed bundles (cached for a year: a new build has new names).
 */
export function dashboardAppRoutes(options: { tokenRequired: boolean }) {
  // The page says whether to ask for a token before the first API call, so a signed-out visitor
  // sees the sign-in form rather than a failed request. A meta tag: no inline script under the CSP.
  const tokenMeta = `<meta name="quarry-token-required" content="${options.tokenRequired}" />`;

  return new Hono()
    .get('/', async (c) => {
      const html = await readBuilt('index.html');
      if (!html) return c.text(NOT_BUILT, 503);
      return c.body(html.toString('utf8').replace('</head>', `  ${tokenMeta}\n  </head>`), 200, {
        'content-type': CONTENT_TYPES['.html']!,
        'cache-control': 'no-cache',
      });
    })
    .get('/favicon.svg', async (c) => {
      const icon = await readBuilt('favicon.svg');
      if (!icon) return c.notFound();
      return c.body(new Uint8Array(icon), 200, { 'content-type': CONTENT_TYPES['.svg']!, 'cache-control': 'public, max-age=86400' });
    })
    .get('/assets/:name', async (c) => {
      const name = c.req.param('name');
      const type = CONTENT_TYPES[path.extname(name)];
      const file = ASSET_NAME.test(name) && type ? await readBuilt(path.join('assets', name)) : undefined;
      if (!file) return c.notFound();
      return c.body(new Uint8Array(file), 200, { 'content-type': type!, 'cache-control': 'public, max-age=31536000, immutable' });
    });
}
