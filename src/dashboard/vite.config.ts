import { defineConfig } from 'vite';

// The dashboard is a static single-page app: Vite bundles it into src/dashboard/dist, which the API
// serves at `/`. Everything is bundled (no CDN) and no inline script is emitted, so the API's
// Content-Security-Policy can stay `script-src 'self'`.
export default defineConfig({
  root: new URL('./app', import.meta.url).pathname,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: new URL('./dist', import.meta.url).pathname,
    emptyOutDir: true,
    // The preload polyfill would be the only reason to consider inline code; modern browsers need none.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 600,
    sourcemap: false,
  },
});
