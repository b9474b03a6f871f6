import { LOCAL_MODEL } from './pinned-artifacts.ts';

/** The name under which Quarry declares the local llama-server, as a provider of its own. */
export const LOCAL_ENDPOINT_NAME = 'local-llama';
/** The catalog id under which Quarry offers the local model. */
export const LOCAL_MODEL_ID = 'qwen2.5-coder-0.5b-local';

/**
 * The local llama-server as an OpenAI-compatible endpoint declaration (`QUARRY_ENDPOINTS`): a
 * provider of its own beside the official OpenAI endpoint, free. `context_window` is the server's
 * `--ctx-size`, so Quarry drops a document too long for it before calling. The key is named by its
 * environment variable, so it never sits in a file.
 */
export function localModelEndpoint(options: { baseUrl: string; contextSize: number; apiKeyEnv?: string }) {
  return {
    name: LOCAL_ENDPOINT_NAME,
    base_url: options.baseUrl,
    ...(options.apiKeyEnv ? { api_key_env: options.apiKeyEnv } : {}),
    models: [
      {
        id: LOCAL_MODEL_ID,
        provider_model: LOCAL_MODEL.servedName,
        display_name: `${LOCAL_MODEL.displayName} (local llama-server)`,
        context_window: options.contextSize,
        // Room for a pretty-printed answer of a few dozen fields; a model that runs on past it is cut off.
        max_output_tokens: 2048,
        temperature: true,
        structured_output: 'json_schema' as const,
      },
    ],
  };
}
