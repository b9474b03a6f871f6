import { distance } from 'fastest-levenshtein';

/** A word of the document, folded, with where it stands in its page's original text. */
export interface IndexedToken {
  text: string;
  page: number;
  start: number;
  end: number;
}

export interface PhraseMatch {
  first: IndexedToken;
  last: IndexedToken;
  /** Share of the phrase's words found in order-free proximity, weighted by how closely each matched. */
  score: number;
}

/** A phrase is found when at least this share of its words is (weighted by similarity). */
const MIN_SCORE = 0.6;
/** A word that differs only by a letter OCR commonly confuses ("rn" for "m", "l" for "I") counts this much of an exact one… */
const LOOKALIKE_WEIGHT = 0.9;
/** …and one an edit away (two for long words) this much. */
const NEAR_WORD_WEIGHT = 0.8;
/** Long values are found by their opening and closing words, each this many words long. */
const EDGE_WORDS = 12;

/**
 * Finds phrases that are written a little differently in the document — OCR's misread letters,
 * punctuation dropped or added, a word missing — by the document's words: a window about the
 * phrase's length in which most of its words occur, each exactly or one edit away (two for words
 * of eight letters or more). Words are compared by their OCR skeleton, in which letters OCR confuses
 * are one, and near words are found through an index of every skeleton with one letter deleted (the
 * symmetric-deletion method), built once, so no search compares against every word.
 */
export class FuzzyPhraseIndex {
  private readonly vocabulary = new Map<string, number[]>();
  private readonly bySkeleton = new Map<string, Set<string>>();
  private readonly deletions = new Map<string, Set<string>>();

  constructor(private readonly tokens: readonly IndexedToken[]) {
    tokens.forEach((token, index) => {
      const positions = this.vocabulary.get(token.text);
      if (positions) positions.push(index);
      else this.vocabulary.set(token.text, [index]);
    });
    for (const word of this.vocabulary.keys()) {
      const shape = skeleton(word);
      addTo(this.bySkeleton, shape, word);
      if (shape.length >= 4) for (const variant of deletionsOf(shape)) addTo(this.deletions, variant, shape);
    }
  }

  /**
   * The best match of the phrase's words, or undefined when none reaches the minimum score. Among
   * matches of equal score, `preference` picks (higher is better): a page range, a nearby value.
   */
  find(words: readonly string[], preference: (match: PhraseMatch) => number = () => 0): PhraseMatch | undefined {
    if (words.length === 0) return undefined;
    if (words.length <= 2 * EDGE_WORDS) return this.findWindow(words, preference);
    const head = this.findWindow(words.slice(0, EDGE_WORDS), preference);
    if (!head) return undefined;
    const tail = this.findWindow(words.slice(-EDGE_WORDS), (match) => -gapAfter(head, match));
    if (tail && gapAfter(head, tail) < Infinity) return { first: head.first, last: tail.last, score: Math.min(head.score, tail.score) };
    return head;
  }

  private findWindow(words: readonly string[], preference: (match: PhraseMatch) => number): PhraseMatch | undefined {
    const candidates = words.map((word) => this.similarWords(word));
    const span = words.length + Math.max(1, Math.floor(words.length / 3));
    // A match holds at least ceil(MIN_SCORE × n) of the n words, so it holds one of the
    // n − ceil(MIN_SCORE × n) + 1 rarest: their places are the only windows worth scoring.
    const occurrences = candidates.map((similar) => [...similar.keys()].flatMap((word) => this.vocabulary.get(word)!));
    const rarest = [...occurrences].sort((a, b) => a.length - b.length).slice(0, words.length - Math.ceil(MIN_SCORE * words.length) + 1);
    const anchors = new Set(rarest.flat());
    let best: PhraseMatch | undefined;
    let bestPreference = -Infinity;
    for (const anchor of anchors) {
      for (let start = Math.max(0, anchor - span + 1); start <= anchor; start += 1) {
        const match = this.scoreWindow(candidates, start, Math.min(this.tokens.length, start + span));
        if (!match || match.score < MIN_SCORE) continue;
        const better = !best || match.score > best.score + 1e-9;
        const tie = best !== undefined && Math.abs(match.score - best.score) <= 1e-9;
        if (better || tie) {
          const rank = preference(match);
          if (better || rank > bestPreference) {
            best = match;
            bestPreference = rank;
          }
        }
      }
    }
    return best;
  }

  private scoreWindow(candidates: readonly Map<string, number>[], start: number, end: number): PhraseMatch | undefined {
    const page = this.tokens[start]!.page;
    let total = 0;
    let first: IndexedToken | undefined;
    let last: IndexedToken | undefined;
    for (const similar of candidates) {
      let best = 0;
      let at: IndexedToken | undefined;
      for (let index = start; index < end; index += 1) {
        const token = this.tokens[index]!;
        if (token.page !== page) break;
        const weight = similar.get(token.text) ?? 0;
        if (weight > best) {
          best = weight;
          at = token;
        }
      }
      total += best;
      if (at && (!first || at.start < first.start)) first = at;
      if (at && (!last || at.end > last.end)) last = at;
    }
    if (!first || !last) return undefined;
    return { first, last, score: total / candidates.length };
  }

  /** The document's words that match `word`, each with its weight: 1 when equal, less when near. */
  private similarWords(word: string): Map<string, number> {
    const similar = new Map<string, number>();
    const shape = skeleton(word);
    for (const candidate of this.bySkeleton.get(shape) ?? []) similar.set(candidate, candidate === word ? 1 : LOOKALIKE_WEIGHT);
    if (shape.length < 4) return similar;
    const allowed = shape.length >= 8 ? 2 : 1;
    const near = new Set<string>();
    for (const variant of [shape, ...deletionsOf(shape)]) {
      for (const candidate of this.deletions.get(variant) ?? []) near.add(candidate);
      if (this.bySkeleton.has(variant)) near.add(variant);
    }
    for (const candidate of near) {
      if (candidate === shape || distance(shape, candidate) > allowed) continue;
      for (const written of this.bySkeleton.get(candidate) ?? []) if (!similar.has(written)) similar.set(written, NEAR_WORD_WEIGHT);
    }
    return similar;
  }
}

/** A word with the letters OCR mistakes for each other made one: "rn" and "m", "l", "I", "1" and "|", "0" and "o". */
function skeleton(word: string): string {
  return word.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/[1il|]/g, 'l').replace(/0/g, 'o');
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const values = map.get(key);
  if (values) values.add(value);
  else map.set(key, new Set([value]));
}

function deletionsOf(word: string): string[] {
  const variants = new Set<string>();
  for (let index = 0; index < word.length; index += 1) variants.add(word.slice(0, index) + word.slice(index + 1));
  return [...variants];
}

/** How far after the head a long value's tail starts: on the same page or the next, else never. */
function gapAfter(head: PhraseMatch, tail: PhraseMatch): number {
  if (tail.first.page === head.last.page && tail.first.start >= head.last.end) return tail.first.start - head.last.end;
  if (tail.first.page === head.last.page + 1) return 1_000_000 + tail.first.start;
  return Infinity;
}
