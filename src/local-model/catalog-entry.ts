import type { CatalogModel } from '../providers/types.ts';
import { LOCAL_MODEL } from './pinned-artifacts.ts';

/** The catalog id under which Quarry offers the local model. */
export const LOCAL_MODEL_ID = 'qwen2.5-coder-0.5b-local';

/**
 * The local model as a catalog entry for `QUARRY_MODELS_FILE`: an `openai`-provider model reached
 * through `OPENAI_BASE_URL`, free. `context_window` is the server's `--ctx-size`, so Quarry drops a
 * document too long for it before calling. `simulated_profile` only matters if the simulator ever
 * stands in for it.
 */
export function localModelCatalogEntry(contextSize: number): CatalogModel {
  return {
    id: LOCAL_MODEL_ID,
    provider: 'openai',
    provider_model: LOCAL_MODEL.servedName,
    display_name: `${LOCAL_MODEL.displayName} (local llama-server)`,
    input_usd_per_mtok: 0,
    output_usd_per_mtok: 0,
    context_window: contextSize,
    // Room for a pretty-printed answer of a few dozen fields; a model that runs on past it is cut off.
    max_output_tokens: 2048,
    structured_output: true,
    accepts_temperature: true,
    simulated_profile: { accuracy: 0.75, latency_factor: 50, output_tokens_per_field: 32 },
  };
}
