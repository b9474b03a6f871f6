/** One call the simulator received, for tests and `GET /__sim/requests`. */
export interface SimulatedRequest {
  at: string;
  wire: 'openai' | 'anthropic' | 'gemini';
  provider_model: string;
  /** The catalog id the provider model resolved to, or null when it is not in the catalog. */
  model: string | null;
  temperature: number | null;
  /** The `<task>` of the prompt: the pipeline stage the call served. */
  task: string | null;
  structured: boolean;
  /** How hard the request asked the model to think (`none` for no reasoning). */
  effort: string;
  /** Images the request carried. */
  images: number;
  status: number;
  /** The injected fault, if any: `status:429`, `hang`, `malformed`, `truncated`. */
  fault: string | null;
}

/**
 * The most recent requests, oldest first. Bounded, because a simulator serving a long benchmark
 * would otherwise keep every call in memory.
 */
export class RequestLog {
  readonly #capacity: number;
  #entries: SimulatedRequest[] = [];

  constructor(capacity = 1000) {
    this.#capacity = capacity;
  }

  add(entry: SimulatedRequest): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#capacity) this.#entries.splice(0, this.#entries.length - this.#capacity);
  }

  list(): SimulatedRequest[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries = [];
  }
}
