import { modelIdsOf, type ModelConfig } from '../contract/model-config.ts';
import { anonymousConfigurationId, getConfiguration } from '../db/configurations.ts';
import type { Pool } from '../db/pool.ts';
import type { Catalog } from '../providers/catalog.ts';
import { InvalidRequestError, NotFoundError, RetiredError } from './errors.ts';

/** A request's configuration: a saved one by id, or a body (optionally counted under a saved id). */
export type ConfigurationRequest = (ModelConfig & { configuration_id?: string | undefined }) | { configuration_id: string };

/**
 * Refuses a configuration naming a model the catalog does not offer: a retired one naming its
 * successor (a saved configuration keeps its models, so the refusal says what to change), an
 * unknown one listing the valid ids.
 */
export function requireKnownModels(catalog: Catalog, config: ModelConfig): void {
  const retired = [...new Set(modelIdsOf(config))].flatMap((id) => catalog.findRetired(id) ?? []);
  if (retired.length > 0) {
    const described = retired.map((model) => `${model.id} (retired${model.retires_on ? ` on ${model.retires_on}` : ''}; use ${model.successor})`);
    throw new RetiredError('model_retired', `the configuration names retired model${retired.length > 1 ? 's' : ''}: ${described.join(', ')}`, {
      retired: retired.map((model) => ({ id: model.id, retired_on: model.retires_on ?? null, successor: model.successor })),
    });
  }
  const unknown = [...new Set(modelIdsOf(config).filter((id) => !catalog.get(id)))];
  if (unknown.length > 0) {
    const valid = catalog.list().map((model) => model.id);
    throw new InvalidRequestError('unknown_model', `unknown model${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; valid ids: ${valid.join(', ')}`, {
      unknown,
      valid,
    });
  }
}

/**
 * The configuration a run uses and the configuration id it counts under. An unsaved body is
 * counted under the anonymous configuration with the same settings, so identical ad-hoc runs are
 * compared together.
 */
export async function resolveConfiguration(
  deps: { pool: Pool; catalog: Catalog },
  request: ConfigurationRequest,
): Promise<{ config: ModelConfig; configurationId: string }> {
  if (!('temperature' in request)) {
    const saved = await getConfiguration(deps.pool, request.configuration_id);
    if (!saved) throw new NotFoundError(`configuration ${request.configuration_id}`);
    requireKnownModels(deps.catalog, saved.config);
    return { config: saved.config, configurationId: saved.id };
  }
  const { configuration_id: configurationId, ...config } = request;
  requireKnownModels(deps.catalog, config);
  if (configurationId) {
    if (!(await getConfiguration(deps.pool, configurationId))) throw new NotFoundError(`configuration ${configurationId}`);
    return { config, configurationId };
  }
  return { config, configurationId: await anonymousConfigurationId(deps.pool, config) };
}
