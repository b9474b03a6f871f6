import type { Client } from '@temporalio/client';
import type { Settings } from '../config/environment.ts';
import type { ConfigurationChoice, ProcessBatchResult, Started } from '../contract/queue.ts';
import type { Pool } from '../db/pool.ts';
import { logger } from '../logger.ts';
import type { Catalog } from '../providers/catalog.ts';
import { domainErrorOf } from './errors.ts';
import { resolveConfiguration } from './resolve-configuration.ts';
import { startExtraction } from './start-extraction.ts';

/**
 * How many runs are started at once: enough to overlap the database and Temporal round trips of one
 * start with the next, few enough to leave the connection pool to other requests.
 */
const START_CONCURRENCY = 8;

type Outcome = { started: Started } | { failed: ProcessBatchResult['failed'][number] };

/**
 * Starts the runs of several items under one configuration: the server fans the starts out, so a
 * closed browser tab cannot stop a batch half-way. The configuration is resolved once, and a bad one
 * refuses the whole batch; an item that cannot start (unknown, already running) is reported with its
 * reason while the others start. Results keep the order of `ids`.
 */
export async function processItems(
  deps: { pool: Pool; temporal: Client; settings: Settings; catalog: Catalog },
  ids: readonly string[],
  choice: ConfigurationChoice,
): Promise<ProcessBatchResult> {
  const { config, configurationId } = await resolveConfiguration(deps, choice);
  const outcomes = new Map<string, Outcome>();
  const queue = [...ids];
  const startNext = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      outcomes.set(id, await startOne(id));
    }
  };
  const startOne = async (id: string): Promise<Outcome> => {
    try {
      return { started: await startExtraction(deps, id, config, configurationId) };
    } catch (error) {
      const known = domainErrorOf(error);
      if (known) return { failed: { id, error: { code: known.code, message: known.message } } };
      logger.error({ err: error, queueItemId: id }, 'a run of a batch did not start');
      return { failed: { id, error: { code: 'internal_error', message: 'an unexpected error occurred; it has been logged' } } };
    }
  };
  await Promise.all(Array.from({ length: Math.min(START_CONCURRENCY, ids.length) }, startNext));
  const ordered = ids.map((id) => outcomes.get(id)!);
  return {
    started: ordered.flatMap((outcome) => ('started' in outcome ? [outcome.started] : [])),
    failed: ordered.flatMap((outcome) => ('failed' in outcome ? [outcome.failed] : [])),
  };
}
