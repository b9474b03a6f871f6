import { createRoute } from '@hono/zod-openapi';
import { ReviewAppliedSchema, ReviewDeliveredSchema, ReviewRequestSchema } from '../../contract/review.ts';
import { submitReview } from '../../runs/submit-review.ts';
import type { ApiDependencies } from '../dependencies.ts';
import { createRouter, ErrorResponses, IdParams, json, jsonBody } from '../openapi.ts';

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
        200: json(ReviewAppliedSchema, 'applied to a completed item'),
        202: json(ReviewDeliveredSchema, "delivered to the item's waiting run"),
        ...ErrorResponses,
      },
    }),
    async (c) => {
      const outcome = await submitReview(deps, c.req.valid('param').id, c.req.valid('json'));
      return 'delivered' in outcome ? c.json(outcome.delivered, 202) : c.json(outcome.applied, 200);
    },
  );
}
