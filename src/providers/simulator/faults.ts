import { z } from 'zod';
import type { Catalog } from '../catalog.ts';
import { hashUnit } from './seeded-random.ts';

/**
 * Faults the simulator injects, per catalog model id (`QUARRY_SIM_FAULTS`), e.g.
 * `{"gpt-4o": {"status": 429, "rate": 1, "retry_after_s": 1, "count": 1}}`. `rate` is the share of
 * calls that fault (a seeded draw, so a run is reproducible); `count`, when given, limits the fault to
 * the model's first N faulting calls, so a test can watch a 429 and then the success after it.
 * The key `*` applies to every model without an entry of its own.
 */
export const FaultSchema = z
  .strictObject({
    status: z.number().int().min(400).max(599).optional(),
    retry_after_s: z.number().nonnegative().optional(),
    hang: z.literal(true).optional(),
    malformed: z.literal(true).optional(),
    truncated: z.literal(true).optional(),
    rate: z.number().min(0).max(1).default(1),
    count: z.number().int().positive().optional(),
  })
  .superRefine((fault, ctx) => {
    const kinds = [fault.status !== undefined, fault.hang, fault.malformed, fault.truncated].filter(Boolean).length;
    if (kinds !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'a fault is exactly one of "status": <4xx/5xx>, "hang": true, "malformed": true, "truncated": true',
      });
    }
    if (fault.retry_after_s !== undefined && fault.status === undefined) {
      ctx.addIssue({ code: 'custom', path: ['retry_after_s'], message: 'retry_after_s goes with a "status"' });
    }
  });
export type Fault = z.infer<typeof FaultSchema>;

export const SimulatorFaultsSchema = z.record(z.string().min(1), FaultSchema);
export type SimulatorFaults = z.infer<typeof SimulatorFaultsSchema>;

export class FaultsConfigError extends Error {
  override name = 'FaultsConfigError';
}

/** Parses faults from JSON text (the environment variable) or an already-parsed value. */
export function parseFaults(input: string | unknown): SimulatorFaults {
  let raw = input;
  if (typeof input === 'string') {
    if (input.trim() === '') return {};
    try {
      raw = JSON.parse(input) as unknown;
    } catch (error) {
      throw new FaultsConfigError(`QUARRY_SIM_FAULTS is not JSON: ${(error as Error).message}`);
    }
  }
  const parsed = SimulatorFaultsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new FaultsConfigError(`invalid simulator faults: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Rejects fault entries for models the catalog does not have: a typo would otherwise inject nothing. */
export function checkFaultModels(faults: SimulatorFaults, catalog: Catalog): void {
  const unknown = Object.keys(faults).filter((id) => id !== '*' && !catalog.get(id));
  if (unknown.length > 0) {
    const valid = catalog.list().map((model) => model.id);
    throw new FaultsConfigError(`faults name unknown models ${unknown.join(', ')}; valid models are: ${valid.join(', ')}`);
  }
}

export function describeFault(fault: Fault): string {
  if (fault.status !== undefined) return `status:${fault.status}`;
  if (fault.hang) return 'hang';
  if (fault.malformed) return 'malformed';
  return 'truncated';
}

/** Decides, call by call, whether a model's call faults. */
export class FaultInjector {
  #faults: SimulatorFaults = {};
  readonly #seed: string;
  readonly #calls = new Map<string, number>();
  readonly #hits = new Map<string, number>();

  constructor(faults: SimulatorFaults = {}, seed = 'quarry') {
    this.#seed = seed;
    this.set(faults);
  }

  /** Replaces the faults and restarts their counts. */
  set(faults: SimulatorFaults): void {
    this.#faults = faults;
    this.#calls.clear();
    this.#hits.clear();
  }

  get(): SimulatorFaults {
    return this.#faults;
  }

  /** The fault this call of `modelId` suffers, if any. Each call advances the model's counters. */
  next(modelId: string): Fault | undefined {
    const fault = this.#faults[modelId] ?? this.#faults['*'];
    if (!fault) return undefined;
    const call = this.#calls.get(modelId) ?? 0;
    this.#calls.set(modelId, call + 1);
    const hits = this.#hits.get(modelId) ?? 0;
    if (fault.count !== undefined && hits >= fault.count) return undefined;
    if (fault.rate < 1 && hashUnit(this.#seed, modelId, call) >= fault.rate) return undefined;
    this.#hits.set(modelId, hits + 1);
    return fault;
  }
}
