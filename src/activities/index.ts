import type { ActivityDependencies } from './dependencies.ts';
import { createExperimentActivities } from './experiments.ts';
import { createItemLifecycle } from './item-lifecycle.ts';
import { createModelStages } from './model-stages.ts';
import { createDocumentReading } from './read-document.ts';
import { createUsageRollupActivities } from './usage-rollups.ts';

/**
 * Every activity the worker registers, built over injected dependencies (a pool, the catalog, the
 * provider clients). Workflows import only this function's type.
 */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createDocumentReading(deps),
    ...createItemLifecycle(deps),
    ...createModelStages(deps),
    ...createExperimentActivities(deps),
    ...createUsageRollupActivities(deps),
  };
}

export type { ActivityDependencies };
export { createDocumentReading };
