import { unionBox, wordsInRange, type Box, type DocumentPage } from '../document-page.ts';
import { FuzzyPhraseIndex, type IndexedToken } from './fuzzy-phrase.ts';
import { foldText, isWordCharacter, searchText, type SearchText } from './search-text.ts';
import { isoDay, writtenDates, writtenNumbers } from './written-values.ts';

/** Where a value stands in the document: offsets into that page's `text`, and its box when the page has word boxes. */
export interface FoundSource {
  page: number;
  start: number;
  end: number;
  bbox?: Box;
  /** `exact`: the value as written, or a written form of it ("1,234.50" for 1234.5, "March 4, 2026" for 2026-03-04). */
  match: 'exact' | 'fuzzy';
}

export interface MissingSource {
  page: null;
  start: null;
  end: null;
  match: 'not_found';
}

export type ValueSource = FoundSource | MissingSource;

/** Which of several places to prefer when a value is written more than once. */
export interface SourceHint {
  /** Pages the value was read from (a chunk's range). */
  pages?: { from: number; to: number };
  /** A place the value is likely near, such as where a sibling field of the same item was found. */
  near?: { page: number; offset: number };
}

interface Place {
  page: number;
  start: number;
  end: number;
}

const NOT_FOUND: MissingSource = { page: null, start: null, end: null, match: 'not_found' };
/** Exact matches gathered per search before choosing one; a value written more often is a common word. */
const MAX_PLACES = 500;
/** A number within this relative distance of a written one is a fuzzy match: the tolerance scoring allows. */
const NUMBER_TOLERANCE = 0.005;

/**
 * Finds where extracted values are written in a read document, computed from the document alone
 * (never from what a model claims). Built once per document — folded text, every written number
 * and date, and, on first need, a word index for fuzzy search — so that hundreds of values over a
 * 500-page document are each a lookup or one scan of the text.
 */
export class SourceIndex {
  private readonly pages: readonly DocumentPage[];
  private readonly byNumber: Map<number, DocumentPage>;
  private readonly search: SearchText[];
  private readonly corpus: string;
  private readonly pageStarts: number[] = [];
  private readonly numbers = new Map<number, Place[]>();
  private readonly dates = new Map<string, Place[]>();
  private sortedNumbers: { value: number; place: Place }[] | undefined;
  private fuzzy: FuzzyPhraseIndex | undefined;

  constructor(pages: readonly DocumentPage[]) {
    this.pages = pages;
    this.byNumber = new Map(pages.map((page) => [page.page, page]));
    this.search = pages.map((page) => searchText(page.text));
    let offset = 0;
    for (const text of this.search) {
      this.pageStarts.push(offset);
      offset += text.folded.length + 1;
    }
    // NUL never occurs in page text, so no search crosses from one page into the next.
    this.corpus = this.search.map((text) => text.folded).join('\u0000');
    pages.forEach((page) => {
      for (const written of writtenNumbers(page.text)) {
        for (const value of written.values) add(this.numbers, numberKey(value), { page: page.page, start: written.start, end: written.end });
      }
      for (const written of writtenDates(page.text)) {
        for (const day of written.days) add(this.dates, day, { page: page.page, start: written.start, end: written.end });
      }
    });
  }

  /**
   * Where a leaf value is written: as written (folded case, spacing and punctuation variants), then
   * as a number or a date in any written form, then approximately (OCR errors, a word dropped).
   * Undefined for values that are never written as such: null, booleans, empty strings.
   */
  locate(value: unknown, hint: SourceHint = {}): ValueSource | undefined {
    if (typeof value === 'number') {
      return this.found(this.numbers.get(numberKey(value)), 'exact', hint) ?? this.found(this.nearNumbers(value), 'fuzzy', hint) ?? NOT_FOUND;
    }
    if (typeof value !== 'string' || value.trim().length === 0) return undefined;
    const exact = this.found(this.textPlaces(value), 'exact', hint);
    if (exact) return exact;
    const day = isoDay(value);
    if (day) return this.found(this.dates.get(day), 'exact', hint) ?? this.fuzzyText(value, hint) ?? NOT_FOUND;
    const readings = numberIn(value);
    if (readings.length > 0) {
      const written = readings.flatMap((reading) => this.numbers.get(numberKey(reading)) ?? []);
      return this.found(written, 'exact', hint) ?? this.found(readings.flatMap((reading) => this.nearNumbers(reading)), 'fuzzy', hint) ?? NOT_FOUND;
    }
    return this.fuzzyText(value, hint) ?? NOT_FOUND;
  }

  private textPlaces(value: string): Place[] {
    const needle = foldText(value);
    const places: Place[] = [];
    for (let at = this.corpus.indexOf(needle); at >= 0 && places.length < MAX_PLACES; at = this.corpus.indexOf(needle, at + 1)) {
      // "12" must not be found inside "2012", nor "art" inside "start".
      if (isWordCharacter(needle[0]) && isWordCharacter(this.corpus[at - 1])) continue;
      if (isWordCharacter(needle.at(-1)) && isWordCharacter(this.corpus[at + needle.length])) continue;
      places.push(this.place(at, at + needle.length));
    }
    return places;
  }

  /** The original-text span of a folded corpus span. */
  private place(from: number, to: number): Place {
    let low = 0;
    let high = this.pageStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.pageStarts[middle]! <= from) low = middle;
      else high = middle - 1;
    }
    const origin = this.search[low]!.origin;
    const local = from - this.pageStarts[low]!;
    return { page: this.pages[low]!.page, start: origin[local]!, end: origin[local + (to - from) - 1]! + 1 };
  }

  private nearNumbers(value: number): Place[] {
    this.sortedNumbers ??= [...this.numbers].flatMap(([key, places]) => places.map((place) => ({ value: key, place }))).sort((a, b) => a.value - b.value);
    const tolerance = Math.max(NUMBER_TOLERANCE, Math.abs(value) * NUMBER_TOLERANCE);
    const sorted = this.sortedNumbers;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (sorted[middle]!.value < value - tolerance) low = middle + 1;
      else high = middle;
    }
    const places: Place[] = [];
    for (let index = low; index < sorted.length && sorted[index]!.value <= value + tolerance; index += 1) places.push(sorted[index]!.place);
    return places;
  }

  private fuzzyText(value: string, hint: SourceHint): FoundSource | undefined {
    const words = foldText(value).match(/[\p{L}\p{N}]+/gu) ?? [];
    this.fuzzy ??= new FuzzyPhraseIndex(this.tokens());
    const match = this.fuzzy.find(words, (candidate) => -distanceFromHint(candidate.first, hint));
    return match ? this.found([{ page: match.first.page, start: match.first.start, end: match.last.end }], 'fuzzy', hint) : undefined;
  }

  private tokens(): IndexedToken[] {
    const tokens: IndexedToken[] = [];
    this.search.forEach(({ folded, origin }, index) => {
      for (const match of folded.matchAll(/[\p{L}\p{N}]+/gu)) {
        const end = match.index + match[0].length;
        tokens.push({ text: match[0], page: this.pages[index]!.page, start: origin[match.index]!, end: origin[end - 1]! + 1 });
      }
    });
    return tokens;
  }

  private found(places: readonly Place[] | undefined, match: 'exact' | 'fuzzy', hint: SourceHint): FoundSource | undefined {
    if (!places || places.length === 0) return undefined;
    let best = places[0]!;
    for (const place of places) if (distanceFromHint(place, hint) < distanceFromHint(best, hint)) best = place;
    const page = this.byNumber.get(best.page)!;
    const bbox = unionBox(wordsInRange(page, best.start, best.end).map((word) => word.box));
    return { page: best.page, start: best.start, end: best.end, ...(bbox ? { bbox } : {}), match };
  }
}

/** How far a place is from what the hint prefers; without a hint, earlier is nearer. */
function distanceFromHint(place: Place, hint: SourceHint): number {
  const outside = hint.pages && (place.page < hint.pages.from || place.page > hint.pages.to) ? 1e12 : 0;
  if (hint.near) return outside + Math.abs(place.page - hint.near.page) * 1e7 + Math.abs(place.start - hint.near.offset);
  return outside + place.page * 1e7 + place.start;
}

/** The numbers a string value can be, when it is nothing but a number ("$1,234.50", "12 %", "-3"). */
function numberIn(value: string): number[] {
  const text = value.trim();
  const written = writtenNumbers(text);
  if (written.length !== 1) return [];
  const rest = (text.slice(0, written[0]!.start) + text.slice(written[0]!.end)).replace(/[\s$€£¥%()+]|USD|EUR|GBP/gi, '');
  return rest.length === 0 ? written[0]!.values : [];
}

function numberKey(value: number): number {
  return Number(value.toPrecision(12));
}

function add<K>(map: Map<K, Place[]>, key: K, place: Place): void {
  const places = map.get(key);
  if (places) places.push(place);
  else map.set(key, [place]);
}
