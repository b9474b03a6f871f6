import type { CatalogEntry as CatalogModel, RetiredModelEntry as RetiredModel } from '../../../contract/catalog.ts';
import type { ModelConfig } from '../../../contract/model-config.ts';

/** How far ahead a model's announced retirement is shown as a warning. */
export const RETIREMENT_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

/** Whole days from now until the start of `date` (UTC). */
export function daysUntil(date: string, now: number = Date.now()): number {
  return Math.ceil((Date.parse(`${date}T00:00:00Z`) - now) / DAY_MS);
}

/** A warning for a model retiring within 30 days, naming its successor; undefined otherwise. */
export function retirementWarning(model: CatalogModel, now: number = Date.now()): string | undefined {
  if (!model.retires_on) return undefined;
  const days = daysUntil(model.retires_on, now);
  if (days > RETIREMENT_WARNING_DAYS) return undefined;
  return `Retires on ${model.retires_on} (in ${days} day${days === 1 ? '' : 's'})${model.successor ? `: move to ${model.successor}` : ''}`;
}

/** The models of a configuration whose API takes no temperature, so its temperature does not apply to them. */
export function modelsWithoutTemperature(config: ModelConfig, models: readonly CatalogModel[]): string[] {
  const ids = new Set([config.orchestrator_model, ...Object.values(config.stage_models).flat()]);
  return models.filter((model) => ids.has(model.id) && model.accepts_temperature === false).map((model) => model.id);
}

/** Problems of a saved configuration with its models: retired ones (processing is refused) and ones retiring soon. */
export function configurationModelWarnings(config: ModelConfig, models: readonly CatalogModel[], retired: readonly RetiredModel[], now: number = Date.now()): string[] {
  const ids = [...new Set([config.orchestrator_model, ...Object.values(config.stage_models).flat()])];
  return ids.flatMap((id) => {
    const gone = retired.find((model) => model.id === id);
    if (gone) return [`${id} is retired${gone.retired_on ? ` since ${gone.retired_on}` : ''}: replace it with ${gone.successor} (runs with it are refused)`];
    const model = models.find((candidate) => candidate.id === id);
    const warning = model && retirementWarning(model, now);
    return warning ? [`${id}: ${warning}`] : [];
  });
}
