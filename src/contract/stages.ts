/**
 * The pipeline's stages, written once. Every other list of stages (the model stages, the chains a
 * configuration sets, the stages a retry resumes from) is derived from this table, on the server, in
 * the workflow bundle and in the dashboard alike. No imports: the workflow sandbox bundles this file.
 *
 * - `callsModel`: the stage is an activity that calls a model, logs to the ledger and may be reused
 *   by a retry instead of paid for again.
 * - `chain`: a configuration sets an ordered fallback chain for it (`stage_models`); `review` is the
 *   orchestrator's single model instead.
 * - `resumable`: a retry may resume from it (every stage before it is reused).
 * - `everyRun`: every run passes it; `human_review` only when the configuration asks for review and
 *   the result needed a person.
 */
export const STAGE_TABLE = {
  parse: { callsModel: false, chain: false, resumable: false, everyRun: true },
  classify: { callsModel: true, chain: true, resumable: true, everyRun: true },
  extract: { callsModel: true, chain: true, resumable: true, everyRun: true },
  validate: { callsModel: true, chain: true, resumable: true, everyRun: true },
  review: { callsModel: true, chain: false, resumable: true, everyRun: true },
  human_review: { callsModel: false, chain: false, resumable: false, everyRun: false },
  finalise: { callsModel: false, chain: false, resumable: true, everyRun: true },
} as const;

type Table = typeof STAGE_TABLE;
type Trait = keyof Table['parse'];

export type PipelineStage = keyof Table;
/** The stages whose `trait` is true, as a union of their names. */
type StagesWith<T extends Trait> = { [S in PipelineStage]: Table[S][T] extends true ? S : never }[PipelineStage];

const stagesWith = <T extends Trait>(trait: T) =>
  (Object.keys(STAGE_TABLE) as PipelineStage[]).filter((stage) => STAGE_TABLE[stage][trait]) as Array<StagesWith<T>>;

/** Every stage, in pipeline order. */
export const PIPELINE_STAGES = Object.keys(STAGE_TABLE) as readonly PipelineStage[];

/** The stages every run passes, in order: the pipeline without `human_review`. */
export const RUN_STAGES: readonly StagesWith<'everyRun'>[] = stagesWith('everyRun');
export type RunStage = StagesWith<'everyRun'>;

/** The stages that call a model: classify, extract, validate and the orchestrator's review. */
export const MODEL_STAGES: readonly ModelStage[] = stagesWith('callsModel');
export type ModelStage = StagesWith<'callsModel'>;

/** The stages a configuration gives a fallback chain of models (`stage_models`). */
export const CHAIN_STAGES: readonly ChainStage[] = stagesWith('chain');
export type ChainStage = StagesWith<'chain'>;

/** The stages a retry may resume from. */
export const RESUMABLE_STAGES: readonly ResumableStage[] = stagesWith('resumable');
export type ResumableStage = StagesWith<'resumable'>;

/** Whether `stage` comes no later than `limit` in the pipeline. */
export const isAtOrBefore = (stage: PipelineStage, limit: PipelineStage) => PIPELINE_STAGES.indexOf(stage) <= PIPELINE_STAGES.indexOf(limit);

/** The model stages that run before `stage`: what a retry resuming from it reuses. */
export const modelStagesBefore = (stage: PipelineStage): ModelStage[] => MODEL_STAGES.filter((candidate) => !isAtOrBefore(stage, candidate));

export const isModelStage = (stage: string): stage is ModelStage => (MODEL_STAGES as readonly string[]).includes(stage);
