import { OpenAPIHono, z } from '@hono/zod-openapi';
import { validationHook } from './errors.ts';

/** A sub-app whose routes validate with the shared hook, so every 400 has the same shape. */
export const createRouter = () => new OpenAPIHono({ defaultHook: validationHook });

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi('Error');

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON body: a missing or non-JSON body is a 400, not a silently empty object. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});

export const ErrorResponses = {
  400: json(ErrorSchema, 'the request is malformed; details name each problem'),
  401: json(ErrorSchema, 'a bearer token is required'),
  404: json(ErrorSchema, 'not found'),
  409: json(ErrorSchema, 'conflicts with the current state'),
  413: json(ErrorSchema, 'the body is too large'),
  422: json(ErrorSchema, 'names a model its provider retired; details name the successor'),
} as const;

export const IdParams = z.object({ id: z.uuid() });
