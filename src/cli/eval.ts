import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ModelConfigSchema, modelIdsOf, type ModelConfig } from '../contract/model-config.ts';
import { getConfiguration } from '../db/configurations.ts';
import { DatasetError, readDataset } from '../eval/dataset.ts';
import { formatReport } from '../eval/eval-report.ts';
import { runEval, type EvalChoice } from '../eval/run-eval.ts';
import { logger } from '../logger.ts';
import { BUILT_IN_PROVIDERS } from '../providers/catalog-model.ts';
import { resolveConfiguration } from '../runs/resolve-configuration.ts';
import { CliError } from './cli-error.ts';
import { startCommandStack, type CommandStack } from './command-stack.ts';
import { onShutdownSignal } from './services.ts';

export interface EvalCommandOptions {
  dataset: string;
  /** A saved configuration's id, or a JSON file holding a configuration body. */
  configuration?: string | undefined;
  domain?: string[] | undefined;
  limit?: number | undefined;
  concurrency?: number | undefined;
  json: boolean;
}

/**
 * Without `--configuration`: simulated models, each stage's chain led by a model with a window of a
 * million tokens, so that long documents (10-Q filings, surveys) fit. Offered, non-retiring models.
 */
export const DEFAULT_EVAL_CONFIGURATION: ModelConfig = {
  temperature: 0,
  orchestrator_model: 'gemini-3.1-pro',
  orchestrator_prompt: 'Prefer values the validator accepted.',
  stage_models: {
    classify: ['gemini-3.1-flash-lite'],
    extract: ['gemini-3.5-flash', 'gpt-5.4'],
    validate: ['gemini-3.1-flash-lite', 'gpt-5.4-mini'],
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function chooseConfiguration(stack: CommandStack, given: string | undefined): Promise<EvalChoice> {
  const deps = { pool: stack.pool, catalog: stack.catalog };
  if (given === undefined) {
    const { config, configurationId } = await resolveConfiguration(deps, DEFAULT_EVAL_CONFIGURATION);
    return { config, configurationId, name: 'the default evaluation configuration' };
  }
  if (UUID.test(given)) {
    const { config, configurationId } = await resolveConfiguration(deps, { configuration_id: given });
    return { config, configurationId, name: (await getConfiguration(stack.pool, given))?.name ?? null };
  }
  let body: unknown;
  try {
    body = JSON.parse(await readFile(given, 'utf8'));
  } catch (error) {
    throw new CliError(`--configuration ${given}: neither a saved configuration's id nor a readable JSON file (${(error as Error).message})`);
  }
  const parsed = ModelConfigSchema.safeParse(body);
  if (!parsed.success) throw new CliError(`--configuration ${given}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; ')}`);
  const { config, configurationId } = await resolveConfiguration(deps, parsed.data);
  return { config, configurationId, name: path.basename(given) };
}

/**
 * `quarry eval`: a dataset laid out like ExtractBench through a configuration, per-value accuracy
 * per domain and overall, with cost and time. With `DATABASE_URL` set it runs against that database
 * and Temporal (`TEMPORAL_ADDRESS`), where its items stay to be looked at in the dashboard;
 * otherwise against a throwaway PostgreSQL and Temporal dev server of its own. Either way the runs
 * go to a worker of its own, with the providers the environment configures.
 */
export async function evalCommand(options: EvalCommandOptions, say: (line: string) => void): Promise<void> {
  if (!process.env.QUARRY_LOG_LEVEL) logger.level = 'warn';
  let dataset;
  try {
    dataset = await readDataset(options.dataset);
  } catch (error) {
    if (error instanceof DatasetError) throw new CliError(error.message);
    throw error;
  }
  const known = dataset.domains.map((domain) => domain.id);
  const unknown = (options.domain ?? []).filter((id) => !known.includes(id));
  if (unknown.length > 0) throw new CliError(`no domain ${unknown.join(', ')} in ${dataset.root}; its domains: ${known.join(', ')}`);
  const configured = Boolean(process.env.DATABASE_URL);
  if (options.configuration && UUID.test(options.configuration) && !configured) {
    throw new CliError('a saved configuration lives in a database: set DATABASE_URL (and TEMPORAL_ADDRESS), or give a configuration file');
  }
  const stack = await startCommandStack({ services: configured ? 'configured' : 'throwaway', concurrency: options.concurrency, say });
  // Ctrl-C stops what the command started (a throwaway Temporal and PostgreSQL would outlive it otherwise).
  onShutdownSignal(stack.stop);
  try {
    const choice = await chooseConfiguration(stack, options.configuration);
    // Declared endpoints (a local llama-server) are called for real even when the built-in providers are simulated.
    const builtIn = new Set<string>(BUILT_IN_PROVIDERS);
    const simulated = stack.simulated && modelIdsOf(choice.config).some((id) => builtIn.has(stack.catalog.get(id)?.provider ?? ''));
    say(`Evaluating with ${choice.name ?? choice.configurationId}${simulated ? ' on simulated providers' : ''}.`);
    const report = await runEval({ ...stack, simulated }, dataset, choice, { domains: options.domain, limit: options.limit }, say);
    if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else for (const line of formatReport(report)) process.stdout.write(`${line}\n`);
  } finally {
    await stack.stop();
  }
}
