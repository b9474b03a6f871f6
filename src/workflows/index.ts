// The worker's workflow bundle: every workflow type Quarry registers.
export { extractDocument } from './extract-document.ts';
export { experimentProgressQuery, runExperiment } from './run-experiment.ts';
export { rollUpUsage } from './roll-up-usage.ts';
