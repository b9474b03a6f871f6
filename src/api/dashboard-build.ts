import { randomUUID } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * Building the dashboard (browser code in src/dashboard/app) with Vite into src/dashboard/dist
 * (gitignored), which the API serves. `quarry up` and `quarry api` build it when it is stale.
 */

const SRC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DASHBOARD_DIR = path.join(SRC_DIR, 'dashboard');
const VITE_CONFIG = path.join(DASHBOARD_DIR, 'vite.config.ts');
/** Where the built app is; the API serves it from here. */
export const DIST_DIR = path.join(DASHBOARD_DIR, 'dist');

const BUILT_MARKER = path.join(DIST_DIR, 'index.html');
/** The browser code, and what it imports from outside its folder: the contract the server shares. */
const SOURCE_DIRS = [path.join(DASHBOARD_DIR, 'app'), path.join(SRC_DIR, 'contract')];
/** Changing these changes the bundle too (a new Vite, Preact or Chart.js pin). */
const BUILD_INPUTS = [VITE_CONFIG, path.join(SRC_DIR, '..', 'package-lock.json')];

async function mtimeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

async function newestSourceMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? await newestSourceMtime(full) : await mtimeOf(full));
  }
  return newest;
}

/** True when the built app is missing or older than any of its sources: a few dozen stats, milliseconds. */
export async function isDashboardStale(): Promise<boolean> {
  const built = await mtimeOf(BUILT_MARKER);
  if (built === 0) return true;
  const inputs = await Promise.all([...BUILD_INPUTS.map(mtimeOf), ...SOURCE_DIRS.map(newestSourceMtime)]);
  return Math.max(...inputs) > built;
}

/**
 * Builds the dashboard with Vite into a fresh directory and swaps it in, so a server reading the old
 * build (or a second process building at the same moment) never sees a half-written one.
 */
export async function buildDashboard(): Promise<void> {
  const { build } = await import('vite');
  const staging = `${DIST_DIR}.${randomUUID()}`;
  try {
    await build({ configFile: VITE_CONFIG, build: { outDir: staging, emptyOutDir: true } });
    await rm(DIST_DIR, { recursive: true, force: true });
    await rename(staging, DIST_DIR).catch(async (error: unknown) => {
      // Another process swapped its build in between our rm and rename: theirs is as fresh as ours.
      if (await mtimeOf(BUILT_MARKER)) return;
      throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Builds the dashboard when it is missing or stale, and returns how many seconds that took
 * (undefined when the build was current). Where the build tools are not installed (a production
 * image without dev dependencies) it says so and leaves the API to serve what exists.
 */
export async function ensureDashboardBuilt(say: (line: string) => void = () => undefined): Promise<number | undefined> {
  if (!(await isDashboardStale())) return undefined;
  try {
    await import('vite');
  } catch {
    say('The dashboard is not built and Vite is not installed: run `npm install && npm run build:dashboard`.');
    return undefined;
  }
  const started = performance.now();
  await buildDashboard();
  return Number(((performance.now() - started) / 1000).toFixed(1));
}
