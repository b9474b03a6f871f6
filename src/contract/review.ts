import { z } from 'zod';
import { DataSchema } from './queue.ts';

/** `POST /queue/{id}/review`: a reviewer's decision. */
export const ReviewRequestSchema = z
  .strictObject({
    reviewer: z.string().trim().min(1).max(200),
    // By JSON Pointer (a value, a row, a whole list), each with plain JSON of that place's shape; a
    // flat schema's field name works too. Empty accepts a waiting run's values as they are; a
    // completed item needs at least one correction.
    corrections: z.record(z.string().max(2000), z.unknown()),
  })
  .meta({ id: 'ReviewRequest' });
export type ReviewRequest = z.infer<typeof ReviewRequestSchema>;

/** 202: the decision went to the item's waiting run, which finalises with it. */
export const ReviewDeliveredSchema = z.object({ id: z.uuid(), status: z.literal('accepted'), workflow_id: z.string() }).meta({ id: 'ReviewDelivered' });
export type ReviewDelivered = z.infer<typeof ReviewDeliveredSchema>;

/** 200: corrections of a completed item, now its ground truth, with every finished run rescored. */
export const ReviewAppliedSchema = z
  .object({
    id: z.uuid(), review_id: z.number().int(), reviewer: z.string(),
    expected: DataSchema.describe("the item's ground truth after the corrections"),
    accuracy: z.number().nullable().describe("the item's current run rescored against it"),
    rescored_runs: z.array(z.object({ run_id: z.string(), configuration_id: z.uuid(), accuracy: z.number().nullable() })),
  })
  .meta({ id: 'ReviewResult' });
export type ReviewApplied = z.infer<typeof ReviewAppliedSchema>;

export const ReviewOutcomeSchema = z.union([ReviewDeliveredSchema, ReviewAppliedSchema]);
export type ReviewOutcome = z.infer<typeof ReviewOutcomeSchema>;
