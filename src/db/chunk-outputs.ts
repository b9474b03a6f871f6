import { z } from 'zod';
import type { Pool, PoolClient } from './pool.ts';
import { parseRows } from './rows.ts';

/*
 * The answers of a long document's chunks (`chunk_outputs`), one row per chunk of a step's
 * extraction by one model, until `mergeChunks` merges them into the step's `extract` output.
 */

export interface ChunkKey {
  queueItemId: string;
  runId: string;
  step: number;
  model: string;
}

const ChunkRowSchema = z.object({
  chunk: z.number().int(),
  first_page: z.number().int(),
  last_page: z.number().int(),
  output: z.looseObject({ data: z.unknown(), confidence: z.record(z.string(), z.number()) }),
});
export type StoredChunkOutput = z.infer<typeof ChunkRowSchema>;

/** Keeps one chunk's answer; a retried attempt replaces its predecessor's. */
export async function storeChunkOutput(
  client: Pool | PoolClient,
  key: ChunkKey,
  chunk: { index: number; firstPage: number; lastPage: number },
  output: unknown,
): Promise<void> {
  await client.query(
    `INSERT INTO chunk_outputs (queue_item_id, run_id, step, model, chunk, first_page, last_page, output)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (queue_item_id, run_id, step, model, chunk) DO UPDATE
       SET first_page = EXCLUDED.first_page, last_page = EXCLUDED.last_page, output = EXCLUDED.output, created_at = now()`,
    [key.queueItemId, key.runId, key.step, key.model, chunk.index, chunk.firstPage, chunk.lastPage, JSON.stringify(output)],
  );
}

/** Every chunk answer of a step's extraction by one model, in chunk order. */
export async function readChunkOutputs(client: Pool | PoolClient, key: ChunkKey): Promise<StoredChunkOutput[]> {
  const result = await client.query(
    `SELECT chunk, first_page, last_page, output FROM chunk_outputs
      WHERE queue_item_id = $1 AND run_id = $2 AND step = $3 AND model = $4 ORDER BY chunk`,
    [key.queueItemId, key.runId, key.step, key.model],
  );
  return parseRows(ChunkRowSchema, result.rows, 'readChunkOutputs');
}
