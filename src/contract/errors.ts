import { z } from 'zod';

/** Every error the API answers: `{"error": {"code", "message", "details"?}}`, `code` stable for programs. */
export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorSchema>;
