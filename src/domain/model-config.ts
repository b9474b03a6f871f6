import { z } from 'zod';

export const CHAIN_STAGES = ['classify', 'extract', 'validate'] as const;
export type ChainStage = (typeof CHAIN_STAGES)[number];

const ModelIdSchema = z.string().min(1).max(100);
const ChainSchema = z.array(ModelIdSchema).min(1, 'a chain names at least one model').max(8);

/**
 * What `POST /queue/process/{id}` takes and what a saved configuration holds: the models per stage
 * (each an ordered fallback chain, primary first), the orchestrator and its instructions, and the
 * temperature every call is made at. Unknown keys are refused, so nothing rides along unnoticed.
 */
export const ModelConfigSchema = z.strictObject({
  temperature: z.number().min(0).max(1),
  orchestrator_model: ModelIdSchema,
  orchestrator_prompt: z.string().max(20_000).default(''),
  stage_models: z.strictObject({
    classify: ChainSchema,
    extract: ChainSchema,
    validate: ChainSchema,
  }),
});
export type ModelConfig = z.infer<typeof ModelConfigSchema>;

/** Every model id a configuration names, for checking against the catalog. */
export function modelIdsOf(config: ModelConfig): string[] {
  return [config.orchestrator_model, ...CHAIN_STAGES.flatMap((stage) => config.stage_models[stage])];
}
