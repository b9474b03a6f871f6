import type { z } from 'zod';

// Every API call goes through here. The bearer token lives only in this module's memory: never in a
// URL, localStorage or sessionStorage, so a reload asks for it again and no other script can read it
// from storage.

let token: string | undefined;
const unauthorizedListeners = new Set<() => void>();

export function setToken(value: string | undefined): void {
  token = value;
}

/** Called when the API answers 401: the app shows the sign-in step. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** The API's error shape, `{"error": {"code", "message", "details"?}}`, as an exception. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body.error?.message) return new ApiError(response.status, body.error.code ?? 'error', body.error.message, body.error.details);
  } catch {
    // not JSON: fall through to the status line
  }
  return new ApiError(response.status, 'http_error', `${response.status} ${response.statusText}`);
}

/**
 * Calls the API and parses its answer with the contract's schema for that route (src/contract), the
 * same schema the server's handler is typed by: an answer of another shape is an error here, at the
 * edge, not an `undefined` deep in a page. `signal` aborts the request (see use-api.ts).
 */
export async function api<S extends z.ZodType>(method: 'GET' | 'POST', path: string, schema: S, body?: unknown, signal?: AbortSignal): Promise<z.infer<S>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401) unauthorizedListeners.forEach((listener) => listener());
    throw error;
  }
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ApiError(response.status, 'unexpected_answer', `${method} ${path.split('?')[0]} answered in a shape the dashboard does not know (${where.join('; ')})`);
  }
  return parsed.data;
}

/** GETs a binary answer (a page image) with the same credentials and errors as `api`. */
export async function apiBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { headers, signal });
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401) unauthorizedListeners.forEach((listener) => listener());
    throw error;
  }
  return response.blob();
}

/** A readable sentence for any error a call can throw, with the API's per-field details when given. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const issues = Array.isArray(error.details)
      ? (error.details as Array<{ path?: string; message?: string }>)
          .filter((issue) => issue.message)
          .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
      : [];
    return issues.length ? `${error.message} — ${issues.join('; ')}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
