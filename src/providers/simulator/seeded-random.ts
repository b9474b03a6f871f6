import { createHash } from 'node:crypto';

/**
 * Deterministic draws for the simulator. Every "random" choice is a hash of what it is about (model,
 * document, field, task, round, call number), so one run is reproducible and a retried call gets the
 * same answer, as a fixed-seed model at temperature 0 would.
 */
export function hashUnit(...parts: ReadonlyArray<string | number>): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  // 48 bits are plenty for a probability and stay exact in a double.
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** A short stable fingerprint of a long text, so per-field draws need not re-hash the whole document. */
export function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
