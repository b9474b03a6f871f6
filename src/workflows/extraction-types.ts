/**
 * Shapes that cross the workflow boundary. Only ids, model ids and small summaries travel through
 * Temporal's history; documents and model outputs stay in PostgreSQL.
 */
import type { ChainStage, PipelineStage, ResumableStage } from '../contract/stages.ts';

export type { PipelineStage, ResumableStage };

export interface RunPolicy {
  /** Attempts per model before its stage moves to the next model of the chain. */
  maxAttemptsPerModel: number;
  initialRetryIntervalMs: number;
  /** The provider call's own timeout; the activity's startToCloseTimeout sits above it. */
  callTimeoutMs: number;
  /** How many times the orchestrator may send disputed fields back for another extraction. */
  maxReextractionRounds: number;
}

export interface ReviewSettings {
  confidenceThreshold: number;
  deadlineMs: number;
  onDeadline: 'accept' | 'fail';
}

export interface ExtractionInput {
  queueItemId: string;
  configurationId: string;
  temperature: number;
  chains: Record<ChainStage, string[]>;
  orchestratorModel: string;
  policy: RunPolicy;
  /** Per-item cost cap in USD. */
  maxCostUsd?: number;
  review?: ReviewSettings;
  /** Reuse the outputs of an earlier run's stages before `fromStage`, and pay only for the rest. */
  resume?: { fromRunId: string; fromStage: ResumableStage };
}

/** What the workflow learns from the stages it reuses. */
export interface ReusedStages {
  classify?: { model: string };
  extract?: { model: string };
  validate?: { model: string };
  review?: { model: string; disputed: string[] };
}

/** A reviewer's decision, delivered to a waiting run by the `submitReview` update. */
export interface ReviewDecision {
  reviewer: string;
  /**
   * Corrected values by JSON Pointer (a value, a row, a whole list), each plain JSON of that place's
   * shape; values left out are accepted as they are. A flat schema's field name stands for `/name`.
   */
  corrections: Record<string, unknown>;
}

export interface PreparedResult {
  /** Every path of the item's schema (`schemaPaths`): what a correction may name. */
  fields: string[];
  needsReview: boolean;
  reasons: string[];
}

export interface StageCall {
  queueItemId: string;
  model: string;
  temperature: number;
  callTimeoutMs: number;
  /** The run's cost cap, checked before the call is made. */
  maxCostUsd?: number;
  /** Which pass of the stage this is: 0 first, 1.. for re-extraction rounds. */
  step: number;
}

export interface ExtractCall extends StageCall {
  /** Only these paths (JSON Pointers), when the orchestrator sent them back. */
  onlyPaths?: string[];
  /** The same, as field names: what a run scheduled before schemas nested sent. */
  onlyFields?: string[];
  /** One chunk of a long document: the extraction reads only its pages and keeps its answer apart. */
  chunk?: ChunkBounds & { count: number };
}

/** A page-aligned chunk of a document (`chunkDocument`): its pages, and where it starts and ends in them. */
export interface ChunkBounds {
  index: number;
  firstPage: number;
  lastPage: number;
  /** Offset into the first page's text, and end offset in the last page's (a split page). */
  start: number;
  end: number;
}

/** How a model extracts the document (`planChunks`): whole (one chunk) or in these chunks. */
export interface ChunkPlan {
  chunks: ChunkBounds[];
  /** The most tokens a chunk may hold for this model, after its prompt and answer. */
  maxTokens: number;
}

/** A merged chunked extraction (`mergeChunks`). */
export interface MergeChunksCall {
  queueItemId: string;
  model: string;
  step: number;
  chunks: number;
  onlyPaths?: string[];
}

export interface ModelStageResult {
  attempt: number;
}
export interface ClassifyResult extends ModelStageResult {
  documentType: string;
  confidence: number;
}
export interface ExtractResult extends ModelStageResult {
  /** How many values the extraction gave. */
  values: number;
}
export interface ValidateResult extends ModelStageResult {
  /** How many values the validator (or a validation rule) rejected. */
  invalid: number;
}
export interface ReviewResult extends ModelStageResult {
  /** The paths to extract again: disputed, and not re-extracted before. */
  disputed: string[];
}

/** What the run learns from reading its document: sizes and times, never the text. */
export interface ReadDocumentResult {
  pages: number;
  characters: number;
  /** Pages read by OCR. */
  ocrPages: number;
  /** Mean time an OCR page took to read, in ms; null when no page needed OCR. */
  ocrMsPerPage: number | null;
  /** Time spent reading every page, in ms. */
  readMs: number;
  /** Read by an earlier run (or for the item this one was copied from): nothing was read now. */
  reused: boolean;
}

/** Which models the read document fits (`fitModels`). */
export interface FitResult {
  estimatedTokens: number;
  /** Models of the configuration whose context window the document does not fit. */
  tooLargeFor: string[];
  /** Models of the extract chain that take the document whole in the first extraction, without a chunk plan (folded runs). */
  extractWhole?: string[];
}

/** A document read in place (`parseInPlace`), and the models it fits. */
export interface ParsedInPlace {
  read: ReadDocumentResult;
  fit: FitResult;
}

/** What the `parse` activity of runs begun before documents were read in the workflow returned. */
export interface ParseResult {
  characters: number;
  estimatedTokens: number;
  /** Models of the configuration whose context window the document does not fit. */
  tooLargeFor: string[];
}

export type StageStatus = 'pending' | 'running' | 'completed' | 'failed' | 'skipped' | 'reused' | 'waiting';

export interface ModelHop {
  model: string;
  error: string;
}

export interface StageProgress {
  stage: PipelineStage;
  step: number;
  status: StageStatus;
  model?: string;
  attempts: number;
  hops: ModelHop[];
  startedAt?: number;
  finishedAt?: number;
}

export interface ExtractionProgress {
  queueItemId: string;
  status: 'running' | 'needs_review' | 'completed' | 'failed' | 'cancelled';
  currentStage?: PipelineStage;
  stages: StageProgress[];
  /** The document as the run read it (runs that read it themselves). */
  document?: ReadDocumentResult;
  error?: string;
}

export interface FinaliseResult {
  status: 'completed';
  accuracy: number | null;
  costUsd: number;
  reviewedBy: string | null;
}
