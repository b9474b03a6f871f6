import type { ActivityDependencies } from './dependencies.ts';
import { createExperimentActivities } from './experiments.ts';
import { createItemLifecycle } from './item-lifecycle.ts';
import { createModelStages } from './model-stages.ts';

/**
 * Every activity the worker registers, built over injected dependencies (a pool, the catalog, the
 * provider clients). Workflows import only this function's type.
 */
export function createActivities(deps: ActivityDependencies) {
  return { ...createItemLifecycle(deps), ...createModelStages(deps), ...createExperimentActivities(deps) };
}

export type { ActivityDependencies };
