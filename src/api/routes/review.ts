import { createRoute, z } from '@hono/zod-openapi';
import type { AppliedReview } from '../../runs/review-item.ts';
import { submitReview } from '../../runs/submit-review.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { createRouter, ErrorResponses, IdParams, json, jsonBody } from '../router.ts';

const FieldValueSchema = z.union([z.string().max(10_000), z.number(), z.boolean(), z.array(z.string().max(10_000)).max(1000), z.null()]);

export const ReviewRequestSchema = z
  .strictObject({
    reviewer: z.string().trim().min(1).max(200),
    // Empty accepts a waiting run's values as they are; a completed item needs at least one correction.
    corrections: z.record(z.string(), FieldValueSchema),
  })
  .openapi('ReviewRequest');

const ReviewResultSchema = z
  .object({
    id: z.uuid(),
    review_id: z.number().int(),
    reviewer: z.string(),
    expected: z.record(z.string(), z.unknown()).describe("the item's ground truth after the corrections"),
    accuracy: z.number().nullable().describe("the item's current run rescored against it"),
    rescored_runs: z.array(z.object({ run_id: z.string(), configuration_id: z.uuid(), accuracy: z.number().nullable() })),
  })
  .openapi('ReviewResult');

export function reviewRoutes(deps: ApiDependencies) {
  return createRouter().openapi(
    createRoute({
      method: 'post',
      path: '/queue/{id}/review',
      summary: "A reviewer's decision: for an item waiting in needs_review, delivered to its run; for a completed item, corrections that become its ground truth",
      description:
        'An item in `needs_review` has a run waiting for a person: the decision goes to that run (the `submitReview` ' +
        'update) and it finalises with it; `corrections` may be empty to accept the values as they are (202). A ' +
        'completed item is corrected after the fact: the corrections become its ground truth and its runs are rescored (200).',
      request: { params: IdParams, ...jsonBody(ReviewRequestSchema) },
      responses: {
        200: json(ReviewResultSchema, 'applied to a completed item'),
        202: json(z.object({ id: z.uuid(), status: z.literal('accepted'), workflow_id: z.string() }), "delivered to the item's waiting run"),
        ...ErrorResponses,
      },
    }),
    async (c) => {
      const outcome = await submitReview(deps, c.req.valid('param').id, c.req.valid('json'));
      return outcome.status === 202 ? c.json(outcome.body as { id: string; status: 'accepted'; workflow_id: string }, 202) : c.json(outcome.body as AppliedReview, 200);
    },
  );
}
