import { createRoute } from '@hono/zod-openapi';
import {
  ExperimentCancellingSchema,
  ExperimentListSchema,
  ExperimentRequestSchema,
  ExperimentSchema,
  ExperimentStartedSchema,
} from '../../contract/experiments.ts';
import { cancelExperiment } from '../../runs/cancel-experiment.ts';
import { NotFoundError } from '../../runs/errors.ts';
import { experimentList, experimentReport } from '../../runs/experiment-report.ts';
import { startExperiment } from '../../runs/start-experiment.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { answers, createRouter, IdParams, json, jsonBody } from '../openapi.ts';

export function experimentRoutes(deps: ApiDependencies) {
  return createRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/experiments',
        summary: 'Start an A/B experiment: every item runs under every configuration (the first is the control)',
        request: jsonBody(ExperimentRequestSchema),
        responses: answers(202, ExperimentStartedSchema, 'started'),
      }),
      async (c) => c.json(await startExperiment(deps, c.req.valid('json')), 202),
    )
    .openapi(
      createRoute({ method: 'get', path: '/experiments', summary: 'Experiments, newest first', responses: { 200: json(ExperimentListSchema, 'experiments') } }),
      async (c) => c.json(await experimentList(deps.pool), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/experiments/{id}',
        summary: 'An experiment: per-configuration accuracy, cost, latency and success with intervals, paired tests and a verdict',
        request: { params: IdParams },
        responses: answers(200, ExperimentSchema, 'the experiment and its results'),
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const report = await experimentReport(deps.pool, id);
        if (!report) throw new NotFoundError(`experiment ${id}`);
        return c.json(report, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/experiments/{id}/cancel',
        summary: 'Cancel a running experiment and its running extractions',
        request: { params: IdParams },
        responses: answers(202, ExperimentCancellingSchema, 'cancelling'),
      }),
      async (c) => c.json(await cancelExperiment(deps, c.req.valid('param').id), 202),
    );
}
