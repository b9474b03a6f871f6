import type { Settings } from '../config/environment.ts';
import { listConfigurations } from '../db/configurations.ts';
import { createPool } from '../db/pool.ts';
import { modelIdsOf } from '../contract/model-config.ts';
import { buildClassifyPrompt } from '../pipeline/stage-prompts.ts';
import { parseExtractionSchema } from '../contract/schema/parse-schema.ts';
import type { Catalog } from '../providers/catalog.ts';
import type { EndpointDeclaration } from '../providers/endpoints.ts';
import { createProviderClients } from '../providers/provider-clients.ts';
import { loadProviderSetup } from '../providers/provider-setup.ts';
import { outputBudget } from '../providers/reasoning.ts';
import { BUILT_IN_PROVIDERS, ProviderCallError, type BuiltInProvider, type CatalogModel, type ProviderClient } from '../providers/types.ts';
import { KEY_VARIABLES, liveEndpoints } from '../worker/provider-runtime.ts';

/**
 * `quarry doctor [--call]`: checks what live calls need, in words an operator can act on — each
 * provider's key, that its endpoint answers (a models-list call), that every catalogued model is in
 * its provider's list, that no model is retired or retiring within 30 days (a saved configuration
 * naming one is a problem), and with `--call` one tiny structured call per model. Without keys it
 * says what is simulated. The exit code is the number of problems, capped at 1.
 */
export interface DoctorOptions {
  call: boolean;
  /** Timeout of each models-list call. */
  timeoutMs?: number;
}

const RETIREMENT_WARNING_DAYS = 30;

/** The tiny call: the classify stage's own prompt and answer schema, on a one-line document. */
const PING = buildClassifyPrompt({
  document: 'INVOICE\nInvoice Number: INV-1\nTotal Amount: 10.00',
  schema: parseExtractionSchema({ name: 'ping', fields: [{ name: 'invoice_number', type: 'string', required: true }] }),
});

class Report {
  problems = 0;
  constructor(private readonly say: (line: string) => void) {}
  ok(line: string) {
    this.say(`  ok       ${line}`);
  }
  warn(line: string) {
    this.say(`  warning  ${line}`);
  }
  problem(line: string) {
    this.problems += 1;
    this.say(`  PROBLEM  ${line}`);
  }
  heading(line: string) {
    this.say(line);
  }
}

/** The models saved configurations name, with the configurations that name each; empty without a database. */
async function modelsInConfigurations(settings: Settings): Promise<Map<string, string[]>> {
  const named = new Map<string, string[]>();
  if (!settings.DATABASE_URL) return named;
  const pool = createPool(settings.DATABASE_URL, 1);
  try {
    for (const row of await listConfigurations(pool)) {
      if (!row.name) continue;
      for (const id of new Set(modelIdsOf(row.config))) named.set(id, [...(named.get(id) ?? []), row.name]);
    }
  } finally {
    await pool.end();
  }
  return named;
}

function describeFailure(error: unknown, keyVariable: string | undefined, baseUrlVariable: string | undefined): string {
  if (!(error instanceof ProviderCallError)) return error instanceof Error ? error.message : String(error);
  if (error.kind === 'authentication') return `${error.message} — check ${keyVariable ?? 'its key'}`;
  if (error.kind === 'connection' || error.kind === 'timeout') return `${error.message} — check ${baseUrlVariable ?? 'its base URL'} and the network`;
  if (error.kind === 'quota_exhausted') return `${error.message} — add credit or raise the quota with the provider`;
  return error.message;
}

export async function doctor(settings: Settings, options: DoctorOptions, say: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const report = new Report(say);
  const { catalog, endpoints } = loadProviderSetup(settings, env);
  const configured = await modelsInConfigurations(settings).catch((error: unknown) => {
    report.warn(`saved configurations not checked: ${(error as Error).message}`);
    return new Map<string, string[]>();
  });

  checkRetirements(catalog, configured, report);

  if (settings.providers === 'simulated') {
    report.heading('Providers are SIMULATED (QUARRY_PROVIDERS=simulated, or no API key set): no live provider to check.');
    report.ok(`${catalog.list().filter((model) => (BUILT_IN_PROVIDERS as readonly string[]).includes(model.provider)).length} built-in models answer from the simulator`);
    report.heading('Set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY (or QUARRY_PROVIDERS=live) for live calls.');
  }

  const live = liveEndpoints(settings);
  const clients = createProviderClients(
    { openai: live.openai ?? { apiKey: 'unset' }, anthropic: live.anthropic ?? { apiKey: 'unset' }, google: live.google ?? { apiKey: 'unset' } },
    endpoints,
  );
  if (settings.providers === 'live') {
    for (const provider of BUILT_IN_PROVIDERS) {
      const models = catalog.list().filter((model) => model.provider === provider);
      if (!live[provider]) {
        report.heading(`${provider}: not configured`);
        const used = models.filter((model) => configured.has(model.id));
        const line = `${KEY_VARIABLES[provider]} is not set: its ${models.length} models cannot be called`;
        if (used.length > 0) report.problem(`${line}, and saved configurations use ${used.map((model) => model.id).join(', ')}: set the key or change those configurations`);
        else report.warn(line);
        continue;
      }
      await checkProvider(provider, clients[provider]!, models, options, report, { key: KEY_VARIABLES[provider], baseUrl: BASE_URL_VARIABLE[provider] });
    }
  }
  for (const endpoint of endpoints) {
    const models = catalog.list().filter((model) => model.provider === endpoint.name);
    await checkProvider(endpoint.name, clients[endpoint.name]!, models, options, report, { baseUrl: describeEndpoint(endpoint) });
  }

  say(report.problems === 0 ? 'No problems found.' : `${report.problems} problem${report.problems === 1 ? '' : 's'} found.`);
  return report.problems === 0 ? 0 : 1;
}

const BASE_URL_VARIABLE: Record<BuiltInProvider, string> = { openai: 'OPENAI_BASE_URL', anthropic: 'ANTHROPIC_BASE_URL', google: 'GEMINI_BASE_URL' };

const describeEndpoint = (endpoint: EndpointDeclaration) => `the endpoint's base_url (${endpoint.baseURL})`;

function checkRetirements(catalog: Catalog, configured: Map<string, string[]>, report: Report): void {
  report.heading('Catalog');
  const using = (id: string) => configured.get(id)?.join(', ');
  for (const model of catalog.retired()) {
    const names = using(model.id);
    if (names) report.problem(`${model.id} is retired${model.retires_on ? ` since ${model.retires_on}` : ''}; configurations ${names} name it: use ${model.successor}`);
  }
  const soon = catalog.retiringWithin(RETIREMENT_WARNING_DAYS);
  for (const model of soon) {
    const names = using(model.id);
    const line = `${model.id} retires on ${model.retires_on}; its successor is ${model.successor}`;
    if (names) report.problem(`${line}: change configurations ${names}`);
    else report.warn(line);
  }
  for (const [id, names] of configured) {
    if (!catalog.get(id) && !catalog.findRetired(id)) report.problem(`configurations ${names.join(', ')} name ${id}, which the catalog does not have`);
  }
  report.ok(`${catalog.list().length} models offered, ${catalog.retired().length} retired, ${soon.length} retiring within ${RETIREMENT_WARNING_DAYS} days`);
}

async function checkProvider(
  provider: string,
  client: ProviderClient,
  models: readonly CatalogModel[],
  options: DoctorOptions,
  report: Report,
  variables: { key?: string; baseUrl?: string },
): Promise<void> {
  report.heading(`${provider}:`);
  let listed: string[];
  try {
    listed = await client.listModels({ timeoutMs: options.timeoutMs ?? 15_000 });
  } catch (error) {
    report.problem(`not reachable: ${describeFailure(error, variables.key, variables.baseUrl)}`);
    return;
  }
  report.ok(`reachable; it lists ${listed.length} models`);
  const known = new Set(listed);
  for (const model of models) {
    if (!known.has(model.provider_model)) {
      report.problem(`${model.id}: ${provider} does not list "${model.provider_model}" — it may be retired or not enabled for this key; leave it out of configurations or fix the catalog`);
      continue;
    }
    if (!options.call) {
      report.ok(`${model.id} is served`);
      continue;
    }
    try {
      const result = await client.complete({
        model,
        system: PING.system,
        prompt: PING.prompt,
        stablePrefix: PING.stablePrefix,
        temperature: 0,
        reasoning: 'off',
        responseSchema: PING.responseSchema,
        responseName: PING.responseName,
        maxOutputTokens: outputBudget(model, 'off', 1, 1).maxOutputTokens,
        timeoutMs: model.call_timeout_s * 1000,
      });
      PING.format.read(result.json);
      report.ok(`${model.id} answered in ${result.latencyMs} ms (${result.inputTokens} tokens in, ${result.outputTokens} out)`);
    } catch (error) {
      report.problem(`${model.id}: a test call failed: ${describeFailure(error, variables.key, variables.baseUrl)}`);
    }
  }
}
