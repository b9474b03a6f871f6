import { readFile, writeFile } from 'node:fs/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import type { Settings } from '../config/environment.ts';
import { CliError } from './cli-error.ts';
import { logger } from '../logger.ts';
import { parseHistoryFile, replayHistories, workflowIdOf } from '../temporal/replay.ts';
import { installWorkerRuntime } from '../worker/runtime.ts';
import { workflowsPath } from '../worker/start-worker.ts';
import { connectTemporal } from './services.ts';

export interface ReplayOptions {
  file?: string;
  query?: string;
  /** Write the fetched history of `<workflowId>` to this file (the Temporal CLI's JSON form). */
  save?: string;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

/**
 * `quarry replay`: replays recorded histories against the current workflow code and explains any
 * divergence. Returns the process exit code: 0 when every history replays cleanly.
 */
export async function replay(settings: Settings, workflowId: string | undefined, options: ReplayOptions): Promise<number> {
  const chosen = [workflowId, options.file, options.query].filter((value) => value !== undefined);
  if (chosen.length !== 1) {
    say('quarry replay: give exactly one of <workflowId>, --file <history.json> or --query "<visibility query>"');
    return 2;
  }

  let histories: AsyncIterable<HistoryAndWorkflowId> | Iterable<HistoryAndWorkflowId>;
  let close = async () => undefined as void;
  if (options.file) {
    let history;
    try {
      history = parseHistoryFile(await readFile(options.file, 'utf8'));
    } catch (error) {
      throw new CliError(`${options.file}: ${(error as Error).message}`);
    }
    histories = [{ workflowId: workflowIdOf(history, options.file), history }];
  } else {
    const temporal = await connectTemporal(settings);
    close = temporal.close;
    if (workflowId) {
      const history = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
      if (options.save) {
        await writeFile(options.save, `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 2)}\n`);
        say(`Saved the history of ${workflowId} to ${options.save}`);
      }
      histories = [{ workflowId, history }];
    } else {
      histories = temporal.client.workflow.list({ query: options.query }).intoHistories({ concurrency: 4 });
    }
  }

  say('Bundling the current workflow code...');
  // The bundler's and the replay worker's progress is noise here; the outcomes below are the report.
  if (!process.env.QUARRY_LOG_LEVEL) logger.level = 'warn';
  await installWorkerRuntime();
  let replayed = 0;
  let diverged = 0;
  try {
    for await (const outcome of replayHistories({ workflowsPath }, histories)) {
      replayed += 1;
      if (outcome.ok) {
        say(`  ok        ${outcome.workflowId} (run ${outcome.runId})  [${replayed}]`);
      } else {
        diverged += 1;
        say(`  DIVERGES  ${outcome.workflowId} (run ${outcome.runId})  [${replayed}]`);
        say(`    ${outcome.error}`);
        for (const line of outcome.explanation!.split('\n')) say(`    ${line}`);
      }
    }
  } finally {
    await close();
  }
  if (replayed === 0) {
    say('No workflow matched: nothing was replayed.');
    return 1;
  }
  say(`${replayed} replayed, ${diverged} diverged.`);
  return diverged === 0 ? 0 : 1;
}
