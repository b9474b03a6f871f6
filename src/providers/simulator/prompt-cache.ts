import { createHash } from 'node:crypto';

/**
 * The providers' prompt caches, as far as billing sees them: a request whose opening repeats one
 * seen recently (for the same model) has that part counted as cached input.
 * - implicit (OpenAI, Gemini): any repeated prefix of at least the minimum length, at section
 *   boundaries; OpenAI counts it in 128-token steps;
 * - explicit (Anthropic): only up to a `cache_control` breakpoint — written the first time
 *   (cache_creation_input_tokens), read afterwards (cache_read_input_tokens).
 * Entries live five minutes after their last use, as the providers' default caches do.
 */
const TTL_MS = 5 * 60_000;
const CHARS_PER_TOKEN = 4;

const tokensOf = (text: string) => Math.ceil(text.length / CHARS_PER_TOKEN);

export class PromptCache {
  readonly #entries = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  #key(model: string, text: string): string {
    return `${model}:${createHash('sha256').update(text).digest('hex')}`;
  }

  /** Whether the text was seen (and is still cached); remembers it either way. */
  #touch(key: string): boolean {
    const now = this.#now();
    const expires = this.#entries.get(key);
    this.#entries.set(key, now + TTL_MS);
    if (this.#entries.size > 10_000) {
      for (const [entry, until] of this.#entries) if (until < now) this.#entries.delete(entry);
    }
    return expires !== undefined && expires >= now;
  }

  /** Cached input tokens for an implicitly cached request: the longest repeated section-boundary prefix. */
  implicit(model: string, text: string, options: { minTokens: number; step: number }): number {
    let cached = 0;
    for (let at = text.indexOf('\n\n<'); at >= 0; at = text.indexOf('\n\n<', at + 1)) {
      const prefix = text.slice(0, at);
      if (tokensOf(prefix) < options.minTokens) continue;
      if (this.#touch(this.#key(model, prefix))) cached = Math.floor(tokensOf(prefix) / options.step) * options.step;
    }
    return cached;
  }

  /** Tokens read from or written to an explicit breakpoint's cache entry. */
  explicit(model: string, prefix: string, minTokens: number): { read: number; write: number } {
    const tokens = tokensOf(prefix);
    if (tokens < minTokens) return { read: 0, write: 0 };
    return this.#touch(this.#key(model, prefix)) ? { read: tokens, write: 0 } : { read: 0, write: tokens };
  }
}
