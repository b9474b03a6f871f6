import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ErrorSchema } from '../contract/errors.ts';
import { validationHook } from './errors.ts';

/*
 * The building blocks every route file uses to declare its routes with @hono/zod-openapi: the same
 * contract schemas validate requests, type the handlers' answers and make up `/openapi.json`.
 */

/** A sub-app whose routes validate with the shared hook, so every 400 has the same shape. */
export const createRouter = () => new OpenAPIHono({ defaultHook: validationHook });

/** A JSON response of `schema`. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** A required JSON body: a missing or non-JSON body is a 400, not a silently empty object. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { required: true, content: { 'application/json': { schema } } },
});

/** The error answers a route may give, each in the one error shape. */
export const ErrorResponses = {
  400: json(ErrorSchema, 'the request is malformed; details name each problem'),
  401: json(ErrorSchema, 'a bearer token is required'),
  404: json(ErrorSchema, 'not found'),
  409: json(ErrorSchema, 'conflicts with the current state'),
  413: json(ErrorSchema, 'the body is too large'),
  422: json(ErrorSchema, 'names a model its provider retired; details name the successor'),
  503: json(ErrorSchema, 'Temporal or the database did not answer; try again'),
} as const;

/** A route's answers: its success (status, schema, what it means) and every error answer. */
export function answers<S extends number, T extends z.ZodType>(status: S, schema: T, description: string) {
  return { [status]: json(schema, description), ...ErrorResponses } as Record<S, ReturnType<typeof json<T>>> & typeof ErrorResponses;
}

export const IdParams = z.object({ id: z.uuid() });
