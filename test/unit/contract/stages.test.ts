import { describe, expect, it } from 'vitest';
import { ModelConfigSchema } from '../../../src/contract/model-config.ts';
import { CHAIN_STAGES, MODEL_STAGES, PIPELINE_STAGES, RESUMABLE_STAGES, RUN_STAGES, isAtOrBefore, modelStagesBefore } from '../../../src/contract/stages.ts';

/** Every list of stages comes from the one table; these are the lists the rest of Quarry relies on. */
describe('the stage table', () => {
  it('gives the pipeline and each list derived from it, in pipeline order', () => {
    expect(PIPELINE_STAGES).toEqual(['parse', 'classify', 'extract', 'validate', 'review', 'human_review', 'finalise']);
    expect(RUN_STAGES).toEqual(['parse', 'classify', 'extract', 'validate', 'review', 'finalise']);
    expect(MODEL_STAGES).toEqual(['classify', 'extract', 'validate', 'review']);
    expect(CHAIN_STAGES).toEqual(['classify', 'extract', 'validate']);
    expect(RESUMABLE_STAGES).toEqual(['classify', 'extract', 'validate', 'review', 'finalise']);
  });

  it('names the reused model stages of a retry resuming from each stage', () => {
    expect(RESUMABLE_STAGES.map((stage) => [stage, modelStagesBefore(stage)])).toEqual([
      ['classify', []],
      ['extract', ['classify']],
      ['validate', ['classify', 'extract']],
      ['review', ['classify', 'extract', 'validate']],
      ['finalise', ['classify', 'extract', 'validate', 'review']],
    ]);
    expect(isAtOrBefore('extract', 'review')).toBe(true);
    expect(isAtOrBefore('finalise', 'review')).toBe(false);
  });

  it("is what a configuration's chains are keyed by: one per chain stage, no other", () => {
    const chains = Object.fromEntries(CHAIN_STAGES.map((stage) => [stage, ['gpt-4.1']]));
    const config = { temperature: 0, orchestrator_model: 'gpt-4.1', stage_models: chains };
    expect(ModelConfigSchema.parse(config).stage_models).toEqual(chains);
    expect(ModelConfigSchema.safeParse({ ...config, stage_models: { ...chains, review: ['gpt-4.1'] } }).success).toBe(false);
    expect(ModelConfigSchema.safeParse({ ...config, stage_models: { classify: ['gpt-4.1'] } }).success).toBe(false);
  });
});
