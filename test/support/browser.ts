import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { beforeEach, onTestFailed } from 'vitest';
import { ensureDashboardBuilt } from '../../src/api/dashboard-build.ts';
import { startTestStack, type TestStack } from './stack.ts';

export const SCREENSHOT_DIR = path.resolve('test-results/screenshots');

/** Debian's Chromium (installed by `.ci/run`), headless, with nothing phoning home. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Serves a Hono app's `fetch` on a free loopback port, as `quarry api` would. */
export async function serveOnFreePort(fetch: (request: Request) => Response | Promise<Response>): Promise<{ url: string; close(): Promise<void> }> {
  const server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        if ('closeAllConnections' in server) server.closeAllConnections();
      }),
  };
}

/**
 * Collects what a person would see as broken: console errors (CSP violations land there too) and
 * uncaught exceptions. `allow` lists messages a test provokes on purpose.
 */
export function watchConsole(page: Page, allow: RegExp[] = []): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !allow.some((pattern) => pattern.test(message.text()))) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  return problems;
}

/** The page as a person sees it; `fullPage: false` for a modal, whose backdrop covers only the viewport. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const fullPage = options.fullPage ?? true;
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  // From the top: a full-page shot taken scrolled down draws the sticky header mid-page.
  if (fullPage) await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

export const LAPTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface DashboardSession {
  stack: TestStack;
  server: { url: string; close(): Promise<void> };
  browser: Browser;
  context: BrowserContext;
  stop(): Promise<void>;
}

/**
 * What every browser test starts from: the built dashboard, a real stack (Temporal, PostgreSQL, the
 * simulator; `env` as for `startTestStack`) serving it on a free port, and Chromium at laptop width.
 */
export async function openDashboard(env: Record<string, string> = {}): Promise<DashboardSession> {
  await ensureDashboardBuilt();
  const [stack, browser] = await Promise.all([startTestStack(env), launchChromium()]);
  const server = await serveOnFreePort(stack.app.fetch);
  const context = await browser.newContext({ viewport: LAPTOP });
  return {
    stack,
    server,
    browser,
    context,
    async stop() {
      await browser.close();
      await server.close();
      await stack.stop();
    },
  };
}

/** A tab whose console is watched; `allow` lists the errors a test provokes on purpose. */
export async function newWatchedPage(context: BrowserContext, allow: RegExp[] = []): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return { page, problems: watchConsole(page, allow) };
}

/** Keeps a screenshot of the page as it was when a test failed: the first thing to look at. */
export function screenshotOnFailure(currentPage: () => Page | undefined): void {
  beforeEach((test) => {
    onTestFailed(async () => {
      const page = currentPage();
      if (page) await screenshot(page, `failed-${test.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
    });
  });
}
