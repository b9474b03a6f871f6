import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Catalog } from '../catalog.ts';
import { checkFaultModels, FaultInjector, FaultsConfigError, parseFaults, type SimulatorFaults } from './faults.ts';
import { PromptCache } from './prompt-cache.ts';
import { parseSimulatorRateLimits, SimulatedRateLimits, type SimulatorRateLimits } from './rate-limits.ts';
import { RequestLog, type SimulatedRequest } from './request-log.ts';
import type { SimulatorState } from './simulated-call.ts';
import { anthropicWire } from './wire-anthropic.ts';
import { geminiWire } from './wire-gemini.ts';
import { openAIWire } from './wire-openai.ts';

export type { SimulatedRequest } from './request-log.ts';
export type { SimulatorFaults } from './faults.ts';

export interface SimulatorOptions {
  catalog: Catalog;
  /** `QUARRY_SIM_LATENCY_MS`: one call's latency before the model's latency factor. */
  latencyMs?: number | undefined;
  /** Parsed faults, or their JSON text (`QUARRY_SIM_FAULTS`). */
  faults?: SimulatorFaults | string | undefined;
  /** Parsed rate limits per model id, or their JSON text (`QUARRY_SIM_RATE_LIMITS`). */
  rateLimits?: SimulatorRateLimits | string | undefined;
  host?: string | undefined;
  /** 0 (the default) picks a free port. */
  port?: number | undefined;
  /** Seed of the fault draws; the same seed and call sequence inject the same faults. */
  seed?: string | undefined;
  /** How many recent requests `requests()` keeps. */
  requestLogSize?: number | undefined;
}

export interface RunningSimulator {
  /** e.g. `http://127.0.0.1:41234`; see `simulatorBaseUrls` for each SDK's base URL. */
  url: string;
  close(): Promise<void>;
  setFaults(faults: SimulatorFaults | string): void;
  requests(): SimulatedRequest[];
  clearRequests(): void;
}

/**
 * The base URL each SDK needs to reach the simulator at `url`: OpenAI's SDK appends paths to a base
 * that includes `/v1`, Anthropic's appends `/v1/messages` to the host root, and @google/genai
 * appends `/v1beta/models/...` to the host root.
 */
export function simulatorBaseUrls(url: string): { openai: string; anthropic: string; google: string } {
  const root = url.replace(/\/+$/, '');
  return { openai: `${root}/v1`, anthropic: root, google: root };
}

function parseAndCheckFaults(faults: unknown, catalog: Catalog): SimulatorFaults {
  const parsed = parseFaults(faults ?? {});
  checkFaultModels(parsed, catalog);
  return parsed;
}

/**
 * The simulator as a Hono app: the three provider wires plus the admin routes that let a test drive
 * an out-of-process simulator (`quarry sim`): `GET /__sim/requests`, `DELETE /__sim/requests`,
 * `GET /__sim/faults`, `PUT /__sim/faults`.
 */
export function createSimulatorApp(state: SimulatorState): Hono {
  const app = new Hono();

  app.get('/__sim/health', (c) => c.json({ status: 'ok', models: state.catalog.list().length }));
  app.get('/__sim/requests', (c) => c.json({ requests: state.log.list() }));
  app.delete('/__sim/requests', (c) => {
    state.log.clear();
    return c.body(null, 204);
  });
  app.get('/__sim/faults', (c) => c.json({ faults: state.faults.get() }));
  app.put('/__sim/faults', async (c) => {
    try {
      const faults = parseAndCheckFaults(await c.req.json<unknown>(), state.catalog);
      state.faults.set(faults);
      return c.json({ faults });
    } catch (error) {
      if (error instanceof FaultsConfigError || error instanceof SyntaxError) {
        return c.json({ error: { code: 'invalid_faults', message: error.message } }, 400);
      }
      throw error;
    }
  });

  app.route('/', openAIWire(state));
  app.route('/', anthropicWire(state));
  app.route('/', geminiWire(state));
  return app;
}

/**
 * Starts the provider simulator on a real port, so the unmodified SDKs can talk to it. `close()`
 * also ends calls that are hanging or sleeping, so it never waits on a client that gave up.
 */
export async function startSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const closing = new AbortController();
  const state: SimulatorState = {
    catalog: options.catalog,
    promptCache: new PromptCache(),
    faults: new FaultInjector(parseAndCheckFaults(options.faults, options.catalog), options.seed),
    rateLimits: new SimulatedRateLimits(parseSimulatorRateLimits(options.rateLimits ?? {}, options.catalog)),
    latencyMs: options.latencyMs ?? 20,
    log: new RequestLog(options.requestLogSize),
    closing: closing.signal,
  };
  const app = createSimulatorApp(state);
  const host = options.host ?? '127.0.0.1';

  const { server, address } = await new Promise<{ server: Server; address: AddressInfo }>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: host, port: options.port ?? 0 }, (info) =>
      resolve({ server: started as Server, address: info }),
    ) as Server;
    started.once('error', reject);
  });

  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${address.port}`,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets and calls that were mid-answer would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closed;
    },
    setFaults(faults) {
      state.faults.set(parseAndCheckFaults(faults, state.catalog));
    },
    requests: () => state.log.list(),
    clearRequests: () => state.log.clear(),
  };
}
