import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Settings } from '../config/environment.ts';
import { localModelEndpoint } from '../local-model/endpoint-declaration.ts';
import { ensureLocalModel, localModelCacheDir, LocalModelInstallError } from '../local-model/install-local-model.ts';
import { startLlamaServer } from '../local-model/llama-server.ts';
import { LOCAL_MODEL } from '../local-model/pinned-artifacts.ts';
import { CliError } from './cli-error.ts';
import { onShutdownSignal } from './services.ts';

export interface LocalModelOptions {
  port?: number;
  threads?: number;
  ctxSize: number;
  apiKey?: string;
  installOnly?: boolean;
}

/**
 * `quarry local-model`: installs (once) and serves the pinned small model with llama-server on
 * loopback, printing its OpenAI-compatible base URL on stdout and, on stderr, how to point Quarry at
 * it: an OpenAI-compatible endpoint declaration, written beside the cache for `QUARRY_ENDPOINTS_FILE`.
 * The server checks an API key, random unless given: it allows every origin (CORS), so without one
 * any web page open in a browser on this machine could use it.
 */
export async function localModel(settings: Settings, options: LocalModelOptions, say: (line: string) => void): Promise<void> {
  const cacheDir = localModelCacheDir(settings.QUARRY_CACHE_DIR);
  let files;
  try {
    files = await ensureLocalModel({ cacheDir, say });
  } catch (error) {
    if (error instanceof LocalModelInstallError) throw new CliError(error.message);
    throw error;
  }
  if (options.installOnly) {
    say(`llama-server and ${LOCAL_MODEL.displayName} are installed in ${cacheDir}`);
    return;
  }

  const apiKey = options.apiKey ?? `sk-local-${randomBytes(16).toString('hex')}`;
  const logFile = path.join(cacheDir, 'llama-server.log');
  const server = await startLlamaServer({
    files,
    port: options.port,
    threads: options.threads ?? availableParallelism(),
    contextSize: options.ctxSize,
    apiKey,
    logFile,
  });
  const endpointsFile = path.join(cacheDir, 'endpoints.json');
  const declaration = localModelEndpoint({ baseUrl: server.baseUrl, contextSize: options.ctxSize, apiKeyEnv: 'QUARRY_LOCAL_MODEL_KEY' });
  await writeFile(endpointsFile, `${JSON.stringify([declaration], null, 2)}\n`);
  process.stdout.write(`${server.baseUrl}\n`);
  say(`llama-server serves ${LOCAL_MODEL.displayName} as "${server.model}" on ${server.baseUrl} (its log: ${logFile}).`);
  say(`Quarry reaches it as the provider "${declaration.name}", declared in ${endpointsFile}:`);
  say(`  QUARRY_LOCAL_MODEL_KEY=${apiKey} QUARRY_ENDPOINTS_FILE=${endpointsFile} npm start`);
  say('Ctrl-C stops it.');
  onShutdownSignal(() => server.stop());
}
