import { defineQuery, setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { ExtractionStatusKey } from '../temporal/search-attributes.ts';
import type { ExtractionProgress, PipelineStage, ReadDocumentResult, StageProgress } from './extraction-types.ts';

/** The `progress` query: a run's stages so far, with models, attempts and fallback hops. */
export const progressQuery = defineQuery<ExtractionProgress>('progress');

/**
 * A run's progress, as the `progress` query answers it and the Temporal UI shows it: the stages
 * started so far, the current one in the run's details line, and the status as a search attribute
 * operators filter by. Construct it first thing in the workflow, so the query answers from the start.
 */
export class RunProgress {
  readonly state: ExtractionProgress;

  constructor(queueItemId: string) {
    this.state = { queueItemId, status: 'running', stages: [] };
    setHandler(progressQuery, () => this.state);
  }

  /** Starts a stage's entry; `step` > 0 for the orchestrator's later rounds. */
  startStage(stage: PipelineStage, step = 0): StageProgress {
    const entry: StageProgress = { stage, step, status: 'running', attempts: 0, hops: [], startedAt: Date.now() };
    this.state.stages.push(entry);
    this.state.currentStage = stage;
    setCurrentDetails(`Stage **${stage}**${step > 0 ? ` (round ${step + 1})` : ''} of queue item ${this.state.queueItemId}`);
    return entry;
  }

  finishStage(entry: StageProgress, status: 'completed' | 'failed' | 'skipped' | 'reused'): void {
    entry.status = status;
    entry.finishedAt = Date.now();
  }

  /** A stage a resumed run takes from the earlier run instead of calling a model again. */
  reuseStage(stage: PipelineStage, model: string): void {
    const entry = this.startStage(stage);
    entry.model = model;
    this.finishStage(entry, 'reused');
  }

  /** What reading the document found, with OCR's time per page: in the query's answer and the run's details. */
  documentRead(read: ReadDocumentResult): void {
    this.state.document = read;
    const ocr = read.ocrPages > 0 ? `, ${read.ocrPages} by OCR at ${((read.ocrMsPerPage ?? 0) / 1000).toFixed(1)} s a page` : '';
    setCurrentDetails(`${read.reused ? 'Document read before' : 'Read the document'}: ${read.pages} page${read.pages === 1 ? '' : 's'}${ocr}; checking which models it fits`);
  }

  /** The run's status, here and in the `ExtractionStatus` search attribute. */
  setStatus(status: ExtractionProgress['status']): void {
    this.state.status = status;
    upsertSearchAttributes([{ key: ExtractionStatusKey, value: status }]);
  }

  /** The line the Temporal UI shows for the run now. */
  say(details: string): void {
    setCurrentDetails(details);
  }

  /** Records why the run failed, and fails the stage that was going. */
  fail(message: string): void {
    this.state.error = message;
    const current = this.state.stages.at(-1);
    if (current && (current.status === 'running' || current.status === 'waiting')) this.finishStage(current, 'failed');
  }
}
