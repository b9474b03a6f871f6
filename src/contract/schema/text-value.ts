import { distance } from 'fastest-levenshtein';

/**
 * Text as compared when scoring. Three strengths:
 * - `exact`: only surrounding whitespace and runs of inner whitespace are forgiven;
 * - `case_insensitive`: also case (Unicode case folding by lower-casing after NFKC);
 * - `normalised`: also accents, punctuation and symbols (each becomes a space, so "Hewlett-Packard"
 *   is "hewlett packard"), which is what a person comparing two names ignores.
 * `similarity` is the normalised Levenshtein similarity, 1 − distance / longer length, of two
 * normalised texts; ExtractBench's fuzzy threshold (0.8) applies to it.
 */

export type TextStrength = 'exact' | 'case_insensitive' | 'normalised';

// Scoring compares every expected row with every extracted one, so the same texts are normalised
// over and over; a small cache (emptied when full) keeps that linear.
const normalisedCache = new Map<string, string>();
const CACHE_LIMIT = 20_000;

export function normaliseText(value: unknown, strength: TextStrength = 'normalised'): string {
  const raw = String(value);
  if (strength === 'normalised') {
    const cached = normalisedCache.get(raw);
    if (cached !== undefined) return cached;
  }
  let text = raw.normalize('NFKC').trim().replace(/\s+/gu, ' ');
  if (strength === 'exact') return text;
  text = text.toLowerCase();
  if (strength === 'case_insensitive') return text;
  text = text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[\p{P}\p{S}]+/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  if (normalisedCache.size >= CACHE_LIMIT) normalisedCache.clear();
  normalisedCache.set(raw, text);
  return text;
}

export function textsMatch(expected: unknown, actual: unknown, strength: TextStrength): boolean {
  return normaliseText(expected, strength) === normaliseText(actual, strength);
}

/** Levenshtein similarity in 0..1 of the normalised texts (1 when both are empty). */
export function similarity(expected: unknown, actual: unknown): number {
  return similarityOf(normaliseText(expected), normaliseText(actual));
}

function similarityOf(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - distance(a, b) / longer;
}

/**
 * Whether the similarity reaches `threshold`. The distance is at least the difference in length, so
 * texts of very different lengths are told apart without computing it (scoring compares every
 * expected row with every extracted one, and Levenshtein is quadratic in the text's length).
 */
export function similarAtLeast(expected: unknown, actual: unknown, threshold: number): boolean {
  return similarEnough(normaliseText(expected), normaliseText(actual), threshold);
}

function similarEnough(a: string, b: string, threshold: number): boolean {
  if (a === b) return true;
  const longer = Math.max(a.length, b.length);
  if (1 - Math.abs(a.length - b.length) / longer < threshold) return false;
  return similarityOf(a, b) >= threshold;
}

/**
 * The stand-in for an LLM judge of "same meaning": the normalised texts are equal, or equal once
 * spaces are ignored (PDF text often loses or gains them: "ASurvey on RAGMeetingLLMs"), or similar
 * to at least `threshold`. It never calls a model, so it cannot see paraphrases; it is reported as
 * `semantic (deterministic)` wherever its verdicts are shown.
 */
export function semanticallyClose(expected: unknown, actual: unknown, threshold = 0.8): boolean {
  const [a, b] = [normaliseText(expected), normaliseText(actual)];
  if (a === b || a.replaceAll(' ', '') === b.replaceAll(' ', '')) return true;
  return similarEnough(a, b, threshold);
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 'x', 'checked', 'on', 'ja', 'oui', 'si', 'sí']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'unchecked', 'off', 'nein', 'non']);

/** true/false, yes/no (and a few languages), 1/0; null for anything else. */
export function parseBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : null;
  if (typeof value !== 'string') return null;
  const text = normaliseText(value);
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  return null;
}
