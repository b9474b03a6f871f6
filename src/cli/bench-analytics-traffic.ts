import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SYNTHETIC_STAGES, syntheticModelIndex } from '../analytics/synthetic-ledger.ts';
import type { Pool } from '../db/pool.ts';
import { recordUsage } from '../db/usage-ledger.ts';
import { refreshRollups, rollupBacklog } from '../db/refresh-rollups.ts';

export interface Background {
  stop(): Promise<void>;
}

/**
 * Calls arriving one by one, as the ledger activity writes them (`recordUsage`, one statement per
 * call), at `perSecond` into the current hour, until stopped. Returns how many it wrote.
 */
export function liveCalls(
  pool: Pool,
  options: { perSecond: number; models: ReadonlyArray<{ id: string; provider: string }>; configurations: readonly string[] },
): Background & { written(): number } {
  let stopped = false;
  let written = 0;
  const tag = `bench-live-${randomUUID()}`;
  const loop = (async () => {
    const begun = performance.now();
    while (!stopped) {
      const config = written % options.configurations.length;
      const stage = written % 4;
      const model = options.models[syntheticModelIndex(config, stage, options.models.length)]!;
      await recordUsage(pool, {
        callKey: `${tag}/${written}`,
        queueItemId: null,
        configurationId: options.configurations[config]!,
        workflowId: null,
        runId: `${tag}/run/${Math.floor(written / 4)}`,
        stage: SYNTHETIC_STAGES[stage]!,
        model: model.id,
        provider: model.provider,
        temperature: 0,
        attempt: 1,
        step: 0,
        inputTokens: 1000 + (written % 3000),
        outputTokens: 50 + (written % 200),
        cachedInputTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        responseTimeMs: 30 + ((written * 7919) % 2000),
        costUsd: 0.0001 * (1 + (written % 17)),
        success: written % 25 !== 0,
        error: written % 25 === 0 ? 'simulated failure' : null,
        finishReason: 'stop',
        simulated: true,
      });
      written += 1;
      const due = begun + (written * 1000) / options.perSecond;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
  })();
  return {
    written: () => written,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/**
 * How the roll-ups keep up during the benchmark: as the Temporal Schedule runs the roll-up activity
 * in a deployment — a refresh every `everySeconds` (the first at once), each working through the
 * backlog in chunks for up to `maxMs` — but from this process, with no Temporal server to start.
 */
export function rollupDriver(pool: Pool, options: { everySeconds: number; maxMs: number }) {
  return {
    async backlog(): Promise<string> {
      const backlog = await rollupBacklog(pool);
      return `ledger: ${backlog.ledgerIds.toLocaleString('en')} pending ids, ${backlog.ledgerDirtyHours} dirty hours; runs: ${backlog.runIds.toLocaleString('en')} pending ids`;
    },
    start(): Background {
      let stopped = false;
      const wake = new AbortController();
      const loop = (async () => {
        while (!stopped) {
          await refreshRollups(pool, { maxMs: options.maxMs });
          await sleep(options.everySeconds * 1000, undefined, { signal: wake.signal }).catch(() => undefined);
        }
      })();
      return {
        async stop() {
          stopped = true;
          wake.abort();
          await loop;
        },
      };
    },
    /** Waits until nothing is left to roll up (refreshing itself, so it never waits for a tick). */
    async drain(): Promise<void> {
      for (;;) {
        const outcome = await refreshRollups(pool, { maxMs: options.maxMs });
        if (outcome.ran && outcome.caughtUp) return;
        if (!outcome.ran) await sleep(100);
      }
    },
  };
}
