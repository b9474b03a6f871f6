import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { z } from 'zod';
import { api, describeError } from './api.ts';

export interface ApiData<T> {
  data: T | undefined;
  /** A sentence for the last failed load; cleared by the next answer. */
  error: string | undefined;
  /** Loads again now (after an action changed what the page shows). */
  reload: () => Promise<void>;
}

export interface ApiDataOptions<T> {
  /** Reload every `pollMs` while `poll` is true, or while it says so of the data shown (a run in flight). */
  pollMs?: number;
  poll?: boolean | ((data: T | undefined) => boolean);
}

/**
 * GETs `path` (null: nothing to load yet) and parses the answer with its contract schema. Answers
 * are shown in the order the requests were made: when the path changes (another item, other
 * filters), the request for the old one is aborted and, should it still answer, its answer is
 * dropped — a slow early answer never replaces a newer one. A poll tick while a request is in flight
 * waits for the next tick instead of piling up requests on a slow server. `schema` is one of the
 * contract's module-level schemas: a new schema object on every render would reload every render.
 */
export function useApi<S extends z.ZodType>(path: string | null, schema: S, options: ApiDataOptions<z.infer<S>> = {}): ApiData<z.infer<S>> {
  const [data, setData] = useState<z.infer<S>>();
  const [error, setError] = useState<string>();
  const latest = useRef({ sequence: 0, controller: undefined as AbortController | undefined, inFlight: false });

  const load = useCallback(
    async (reason: 'change' | 'reload' | 'poll') => {
      const state = latest.current;
      if (path === null) return;
      if (reason === 'poll' && state.inFlight) return;
      state.controller?.abort();
      const controller = new AbortController();
      const sequence = ++state.sequence;
      state.controller = controller;
      state.inFlight = true;
      try {
        const answer = await api('GET', path, schema, undefined, controller.signal);
        if (sequence !== state.sequence) return;
        setData(answer);
        setError(undefined);
      } catch (failure) {
        if (sequence !== state.sequence || controller.signal.aborted) return;
        setError(describeError(failure));
      } finally {
        if (sequence === state.sequence) state.inFlight = false;
      }
    },
    [path, schema],
  );

  useEffect(() => {
    setData(undefined);
    setError(undefined);
    void load('change');
    return () => {
      // Unmounted or moved to another path: the old request's answer is of no use any more.
      latest.current.sequence += 1;
      latest.current.controller?.abort();
      latest.current.inFlight = false;
    };
  }, [load]);

  const polling = Boolean(options.pollMs) && (typeof options.poll === 'function' ? options.poll(data) : Boolean(options.poll));
  useEffect(() => {
    if (!polling) return undefined;
    const timer = setInterval(() => void load('poll'), options.pollMs);
    return () => clearInterval(timer);
  }, [polling, options.pollMs, load]);

  const reload = useCallback(() => load('reload'), [load]);
  return { data, error, reload };
}
