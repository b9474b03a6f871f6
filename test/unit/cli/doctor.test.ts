import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { doctor } from '../../../src/cli/doctor.ts';
import { loadSettings } from '../../../src/config/environment.ts';
import { loadCatalog } from '../../../src/providers/catalog.ts';
import { simulatorBaseUrls, startSimulator, type RunningSimulator } from '../../../src/providers/simulator/server.ts';

// `quarry doctor` against live-mode settings whose base URLs point at the simulator, which lists
// the catalog's models on each provider's models route and answers their calls.

let simulator: RunningSimulator;
let env: Record<string, string>;

beforeAll(async () => {
  simulator = await startSimulator({ catalog: loadCatalog(), latencyMs: 1 });
  const urls = simulatorBaseUrls(simulator.url);
  env = {
    QUARRY_PROVIDERS: 'live',
    OPENAI_API_KEY: 'sk-test-openai',
    ANTHROPIC_API_KEY: 'sk-ant-test',
    GEMINI_API_KEY: 'test-gemini',
    OPENAI_BASE_URL: urls.openai,
    ANTHROPIC_BASE_URL: urls.anthropic,
    GEMINI_BASE_URL: urls.google,
  };
});
afterAll(async () => simulator.close());
beforeEach(() => {
  simulator.setFaults({});
  simulator.clearRequests();
});

async function run(overrides: Record<string, string | undefined>, call = false) {
  const lines: string[] = [];
  const merged = { ...env, ...overrides } as Record<string, string>;
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const code = await doctor(loadSettings(merged), { call, timeoutMs: 2000 }, (line) => lines.push(line), merged);
  return { code, output: lines.join('\n') };
}

describe('quarry doctor', () => {
  it('finds every provider reachable and every model served: exit 0', async () => {
    const { code, output } = await run({});
    expect(output).toMatch(/openai:\n\s+ok\s+reachable/);
    expect(output).toMatch(/anthropic:\n\s+ok\s+reachable/);
    expect(output).toMatch(/google:\n\s+ok\s+reachable/);
    expect(output).toContain('claude-opus-4-7 is served');
    expect(output).toContain('No problems found.');
    expect(code).toBe(0);
    // A models list is one call per provider; no model was called.
    expect(simulator.requests()).toEqual([]);
  });

  it('with --call makes one tiny call per model and reports a failing one in words to act on', async () => {
    simulator.setFaults({ 'gemini-3.5-flash': { status: 401, rate: 1 } });
    const { code, output } = await run({}, true);
    const offered = loadCatalog().list().length;
    expect(simulator.requests()).toHaveLength(offered);
    expect(output).toMatch(/ok\s+gpt-5\.4-mini answered in \d+ ms/);
    expect(output).toMatch(/PROBLEM\s+gemini-3\.5-flash: a test call failed: .*check GEMINI_API_KEY/);
    expect(output).toContain('1 problem found.');
    expect(code).toBe(1);
  });

  it('names a model its provider does not list, and an unreachable provider with the variable to check', async () => {
    const file = path.join(tmpdir(), `doctor-models-${process.pid}.json`);
    writeFileSync(
      file,
      JSON.stringify([{ id: 'gpt-gone', provider: 'openai', provider_model: 'gpt-gone', display_name: 'Gone', context_window: 8000, max_output_tokens: 1000, temperature: true, reasoning: { control: 'none' }, structured_output: 'json_schema', typical_output_tokens_per_field: 10, call_timeout_s: 30, prices: {} }]),
    );
    const { code, output } = await run({ QUARRY_MODELS_FILE: file, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' });
    expect(output).toMatch(/PROBLEM\s+gpt-gone: openai does not list "gpt-gone"/);
    expect(output).toMatch(/anthropic:\n\s+PROBLEM\s+not reachable: .*check ANTHROPIC_BASE_URL/);
    expect(code).toBe(1);
  });

  it('reports a missing key, and without keys says what is simulated', async () => {
    const missing = await run({ GEMINI_API_KEY: undefined });
    expect(missing.output).toMatch(/google: not configured\n\s+warning\s+GEMINI_API_KEY is not set: its 3 models cannot be called/);
    const simulated = await run({ QUARRY_PROVIDERS: 'simulated', OPENAI_API_KEY: undefined, ANTHROPIC_API_KEY: undefined, GEMINI_API_KEY: undefined });
    expect(simulated.output).toMatch(/Providers are SIMULATED/);
    expect(simulated.code).toBe(0);
  });
});
