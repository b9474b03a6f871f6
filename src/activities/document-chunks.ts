import { ApplicationFailure } from '@temporalio/activity';
import { readChunkOutputs } from '../db/chunk-outputs.ts';
import { pageTexts } from '../db/document-pages.ts';
import { itemForChunks } from '../db/item-runs.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import { mergeChunkResults, type JsonValue } from '../documents/chunks/chunk-merge.ts';
import { chunkDocument, estimateTokens, tokensOfCharacters } from '../documents/chunks/document-chunks.ts';
import type { DocumentPage } from '../documents/document-page.ts';
import { buildExtractPrompt, type StoredExtraction } from '../pipeline/stage-prompts.ts';
import { disputedSubSchema } from '../pipeline/structured-output/disputed-paths.ts';
import { answerRoom } from '../providers/reasoning.ts';
import type { CatalogModel } from '../providers/types.ts';
import type { ChunkPlan, MergeChunksCall } from '../workflows/extraction-types.ts';
import { FailureType } from '../workflows/failure-types.ts';
import type { ActivityDependencies } from './dependencies.ts';
import { storeRunOutput } from './stage-outputs.ts';
import { runIdOf } from './workflow-execution.ts';

/** Left unused in a chunk's budget: the estimate of 4 characters a token errs on dense text. */
const SAFETY_FRACTION = 0.1;
/** A model whose window leaves fewer tokens than this for the document cannot usefully read it in chunks. */
const MIN_CHUNK_TOKENS = 500;
/** Disagreements between chunks kept with a merged value, for validation and review to see. */
const MAX_CONFLICTS = 3;
/**
 * The share of a model's chunk budget a document may fill to be extracted whole without a plan: the
 * check from the joined text errs by a separator a page against the plan's page-by-page count.
 */
const WHOLE_WITHOUT_PLAN = 0.9;

type ItemForChunks = NonNullable<Awaited<ReturnType<typeof itemForChunks>>>;

/**
 * How many tokens of the document one extraction by `model` may read: what its input limit and window
 * leave beside the extraction prompt (the part note included when `pages` are named) and room for the
 * answer, less a safety margin, and no more than the configuration's chunk size. A model that leaves
 * too little fails the run's extraction with it at once.
 */
function chunkBudget(model: CatalogModel, item: ItemForChunks, call: { step: number; onlyPaths?: string[] | undefined }, pages?: number): number {
  const bare = buildExtractPrompt({
    document: '',
    schema: item.schema,
    only_paths: call.onlyPaths,
    round: call.step,
    ...(pages === undefined ? {} : { part: { first_page: 1, last_page: pages, pages } }),
  });
  const promptTokens = estimateTokens(bare.system + bare.prompt);
  const room = Math.min(model.input_limit, model.context_window - answerRoom(model, bare.values));
  const fitsModel = Math.floor((room - promptTokens) * (1 - SAFETY_FRACTION));
  if (fitsModel < MIN_CHUNK_TOKENS) {
    throw ApplicationFailure.create({
      type: FailureType.DocumentTooLarge,
      nonRetryable: true,
      message: `${model.id}: its window (${model.context_window} tokens) leaves no room for the document beside the extraction prompt (about ${promptTokens} tokens)`,
    });
  }
  return Math.min(fitsModel, item.chunkTokens ?? Infinity);
}

/**
 * The extract models that take the item's document (of `characters`, as read) whole in the run's
 * first extraction, clearly enough that they need no plan (`planChunks`): no page limit configured,
 * and the document well inside the budget. A model near its limit, or one the document does not fit,
 * is left to the plan. A document longer than every model's input is not looked at again.
 */
export async function extractsWholeWithoutPlan(deps: ActivityDependencies, queueItemId: string, models: readonly string[], characters: number): Promise<string[]> {
  const tokens = tokensOfCharacters(characters);
  const candidates = models.flatMap((id) => {
    const model = deps.catalog.get(id);
    return model && tokens <= model.input_limit * WHOLE_WITHOUT_PLAN ? [model] : [];
  });
  if (candidates.length === 0) return [];
  const item = await itemForChunks(deps.pool, queueItemId);
  if (!item || item.chunkPages) return [];
  return candidates.flatMap((model) => {
    try {
      return tokens <= chunkBudget(model, item, { step: 0 }) * WHOLE_WITHOUT_PLAN ? [model.id] : [];
    } catch {
      return [];
    }
  });
}

const itemMissing = (queueItemId: string) => ApplicationFailure.nonRetryable(`queue item ${queueItemId} no longer exists`, FailureType.ItemMissing);

/** The document's pages with their text; an item queued before uploads were kept is one page. */
export async function documentPageTexts(client: Pool | PoolClient, item: { documentId: string | null; text: string }, range?: { from: number; to: number }) {
  if (!item.documentId) return [{ page: 1, text: item.text }];
  return pageTexts(client, item.documentId, range);
}

/**
 * Long documents: a document larger than what a model can read at once (its input limit and window,
 * less the extraction prompt and room for the answer), or than the configuration's chunk size, is
 * extracted in overlapping page-aligned chunks, each its own activity; their answers are merged.
 */
export function createDocumentChunks(deps: ActivityDependencies) {
  return {
    /** How `model` extracts the item's document: whole (one chunk), or in these chunks. */
    async planChunks(input: { queueItemId: string; model: string; step: number; onlyPaths?: string[] }): Promise<ChunkPlan> {
      const item = await itemForChunks(deps.pool, input.queueItemId);
      if (!item) throw itemMissing(input.queueItemId);
      const pages = await documentPageTexts(deps.pool, item);
      const model = deps.catalog.get(input.model);
      // A model no longer offered is left to its stage, which fails it with the reason.
      const whole = { chunks: [{ index: 0, firstPage: pages[0]?.page ?? 1, lastPage: pages.at(-1)?.page ?? 1, start: 0, end: pages.at(-1)?.text.length ?? 0 }] };
      if (!model || pages.length === 0) return { ...whole, maxTokens: 0 };

      // The prompt around a chunk: instructions, schema, and the note that it is a part.
      const maxTokens = chunkBudget(model, item, input, pages.length);
      const asPages = pages.map((page): DocumentPage => ({ page: page.page, text: page.text, ocr: false, width: null, height: null, words: [] }));
      const chunks = chunkDocument(asPages, { maxTokens, ...(item.chunkPages ? { maxPages: item.chunkPages } : {}), overlapPages: item.overlapPages ?? 1 });
      return { chunks: chunks.map(({ index, firstPage, lastPage, start, end }) => ({ index, firstPage, lastPage, start, end })), maxTokens };
    },

    /**
     * Merges the chunks' answers of one model's extraction into the step's `extract` output, as if
     * the model had read the whole document: per path, scalars by agreement then confidence, lists
     * concatenated without the items the overlap repeats (`mergeChunkResults`). Each value keeps the
     * chunk it was taken from, and the other values chunks gave for it.
     */
    async mergeChunks(input: MergeChunksCall): Promise<{ values: number }> {
      const key = { queueItemId: input.queueItemId, runId: runIdOf(), step: input.step, model: input.model };
      const stored = await readChunkOutputs(deps.pool, key);
      if (stored.length !== input.chunks) {
        throw ApplicationFailure.nonRetryable(`${stored.length} of ${input.chunks} chunks of step ${input.step} by ${input.model} were answered`, FailureType.MissingStageOutput);
      }
      const merged = mergeChunkResults(stored.map((chunk) => ({ chunk: chunk.chunk, data: chunk.output.data as JsonValue, confidence: chunk.output.confidence })));
      const confidence: Record<string, number> = {};
      const of: Record<string, number> = {};
      const conflicts: Record<string, unknown[]> = {};
      for (const [pointer, field] of Object.entries(merged.fields)) {
        if (field.confidence !== null) confidence[pointer] = field.confidence;
        of[pointer] = field.chunk;
        if (field.conflicts) conflicts[pointer] = field.conflicts.slice(0, MAX_CONFLICTS);
      }
      let paths: string[] | undefined;
      if (input.onlyPaths) {
        const item = await itemForChunks(deps.pool, input.queueItemId);
        if (!item) throw itemMissing(input.queueItemId);
        paths = disputedSubSchema(item.schema.root, input.onlyPaths).paths;
      }
      const output: StoredExtraction = {
        data: merged.data ?? {},
        confidence,
        unresolved: [...new Set(stored.flatMap((chunk) => (chunk.output as { unresolved?: string[] }).unresolved ?? []))],
        ...(paths ? { paths } : {}),
        chunks: { pages: stored.map((chunk) => [chunk.first_page, chunk.last_page]), of, conflicts },
      };
      await storeRunOutput(deps.pool, input.queueItemId, 'extract', input.step, input.model, output);
      return { values: Object.keys(confidence).length };
    },
  };
}

/** For a merged chunked extraction, the pages each value was read from (what validation and review are shown). */
export function valuePagesOf(extraction: { chunks?: { pages: Array<[number, number]>; of: Record<string, number> } | undefined }): Record<string, [number, number]> | undefined {
  if (!extraction.chunks) return undefined;
  const { pages, of } = extraction.chunks;
  return Object.fromEntries(Object.entries(of).flatMap(([pointer, chunk]) => (pages[chunk] ? [[pointer, pages[chunk]]] : [])));
}
