import type { DocumentPage } from '../document-page.ts';

export interface ChunkOptions {
  /** The most tokens a chunk's text may hold (a model's usable input less its prompt and answer). */
  maxTokens: number;
  /** The most pages a chunk may span, whatever their size. Default: no limit. */
  maxPages?: number;
  /** Pages each chunk repeats from the end of the one before, so a table or sentence cut at a page break is whole in one of them. Default 1. */
  overlapPages?: number;
  /** Counts a text's tokens; default `estimateTokens`. */
  countTokens?: (text: string) => number;
}

export interface DocumentChunk {
  /** 0-based position of the chunk in the document. */
  index: number;
  firstPage: number;
  lastPage: number;
  /**
   * Where the chunk starts in its first page's text and ends in its last page's: 0 and the page's
   * length for whole pages; inside the page when one page alone is over the budget and is split.
   */
  start: number;
  end: number;
  /** The pages' text, each opened by a line `--- page N ---` so that a model can tell where it read a value. */
  text: string;
  tokens: number;
}

/** Characters per token of the estimate Quarry makes before a call (providers count exactly afterwards). */
const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return tokensOfCharacters(text.length);
}

/** The same estimate for a text known only by its length. */
export function tokensOfCharacters(characters: number): number {
  return Math.ceil(characters / CHARS_PER_TOKEN);
}

interface Segment {
  page: number;
  start: number;
  end: number;
  text: string;
}

/**
 * Splits a document into page-aligned chunks that each fit `maxTokens` (and `maxPages`), every chunk
 * after the first opening with the last `overlapPages` pages of the one before. A page too large for
 * any chunk on its own is split at line ends (at characters, for a line longer than the budget), and
 * its parts are then treated as pages. A document that fits is one chunk.
 */
export function chunkDocument(pages: readonly DocumentPage[], options: ChunkOptions): DocumentChunk[] {
  const count = options.countTokens ?? estimateTokens;
  const maxPages = options.maxPages ?? Infinity;
  const overlap = Math.max(0, options.overlapPages ?? 1);
  if (!(options.maxTokens > 0) || !(maxPages >= 1)) throw new RangeError('a chunk needs a positive token budget and at least one page');
  const segments = pages.flatMap((page) => pageSegments(page, options.maxTokens, count));
  const cost = (segment: Segment) => count(segmentText(segment));

  const chunks: DocumentChunk[] = [];
  let first = 0;
  while (first < segments.length) {
    let last = first;
    let tokens = cost(segments[first]!);
    while (last + 1 < segments.length && last + 1 - first < maxPages && tokens + cost(segments[last + 1]!) <= options.maxTokens) {
      last += 1;
      tokens += cost(segments[last]!);
    }
    const members = segments.slice(first, last + 1);
    chunks.push({
      index: chunks.length,
      firstPage: members[0]!.page,
      lastPage: members.at(-1)!.page,
      start: members[0]!.start,
      end: members.at(-1)!.end,
      text: members.map(segmentText).join('\n\n'),
      tokens: count(members.map(segmentText).join('\n\n')),
    });
    if (last === segments.length - 1) break;
    // Step back by the overlap, but always move forward by at least one segment, and only as far
    // back as still leaves room for the next segment beside the repeated ones.
    let next = Math.max(first + 1, last + 1 - overlap);
    while (next <= last && segments.slice(next, last + 2).reduce((sum, segment) => sum + cost(segment), 0) > options.maxTokens) next += 1;
    first = next;
  }
  return chunks;
}

function segmentText(segment: Segment): string {
  return `--- page ${segment.page} ---\n${segment.text}`;
}

/** A page as one segment, or, when it alone is over the budget, as parts that each fit. */
function pageSegments(page: DocumentPage, maxTokens: number, count: (text: string) => number): Segment[] {
  const part = (start: number, end: number): Segment => ({ page: page.page, start, end, text: page.text.slice(start, end) });
  const fits = (start: number, end: number) => count(segmentText(part(start, end))) <= maxTokens;
  if (fits(0, page.text.length)) return [part(0, page.text.length)];
  const lineEnds = [...page.text.matchAll(/\n/g)].map((match) => match.index + 1).concat(page.text.length);
  const parts: Segment[] = [];
  let start = 0;
  while (start < page.text.length) {
    // The furthest line end that fits (token counts grow with the text, so a binary search finds it);
    // a single line over the budget is cut at the furthest character that fits.
    const ends = lineEnds.filter((end) => end > start);
    let end = furthest(ends.length, (index) => ends[index]!, (candidate) => fits(start, candidate));
    end ??= furthest(page.text.length - start, (index) => start + index + 1, (candidate) => fits(start, candidate)) ?? start + 1;
    parts.push(part(start, end));
    start = end;
  }
  return parts;
}

/** The last of `count` ascending candidates (`at(0)`…) that passes, when passing is monotone. */
function furthest(count: number, at: (index: number) => number, passes: (candidate: number) => boolean): number | undefined {
  let low = 0;
  let high = count - 1;
  let found: number | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (passes(at(middle))) {
      found = at(middle);
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/**
 * A chunk's text from its pages (`pages` holds at least `firstPage` to `lastPage`), as
 * `chunkDocument` made it: so a worker can rebuild one chunk from stored pages, given only its bounds.
 */
export function chunkText(pages: ReadonlyArray<Pick<DocumentPage, 'page' | 'text'>>, chunk: Pick<DocumentChunk, 'firstPage' | 'lastPage' | 'start' | 'end'>): string {
  return pages
    .filter((page) => page.page >= chunk.firstPage && page.page <= chunk.lastPage)
    .map((page) => {
      const start = page.page === chunk.firstPage ? chunk.start : 0;
      const end = page.page === chunk.lastPage ? chunk.end : page.text.length;
      return segmentText({ page: page.page, start, end, text: page.text.slice(start, end) });
    })
    .join('\n\n');
}
