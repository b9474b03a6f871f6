import { describe, expect, it } from 'vitest';
import { chunkDocument, estimateTokens } from '../../../src/documents/chunks/document-chunks.ts';
import type { DocumentPage } from '../../../src/documents/document-page.ts';

const page = (number: number, text: string): DocumentPage => ({ page: number, text, ocr: false, width: 612, height: 792, words: [] });
/** Pages of about `tokens` estimated tokens each. */
const pages = (count: number, tokens: number) => Array.from({ length: count }, (_, index) => page(index + 1, `p${index + 1} `.padEnd(tokens * 4 - 20, 'x')));

describe('chunkDocument', () => {
  it('keeps a document that fits as one chunk of all its pages', () => {
    const chunks = chunkDocument(pages(3, 100), { maxTokens: 1000 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ index: 0, firstPage: 1, lastPage: 3, start: 0 });
    expect(chunks[0]!.text).toMatch(/^--- page 1 ---\np1 x+\n\n--- page 2 ---\np2 x+\n\n--- page 3 ---\np3 x+$/);
  });

  it('splits a 40-page document into overlapping page-aligned chunks within the budget', () => {
    const document = pages(40, 500);
    const chunks = chunkDocument(document, { maxTokens: 4000, overlapPages: 1 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(4000);
      expect(chunk.tokens).toBe(estimateTokens(chunk.text));
      expect(chunk.start).toBe(0);
      expect(chunk.end).toBe(document[chunk.lastPage - 1]!.text.length);
    }
    // Every chunk after the first repeats the last page of the one before, and no page is skipped.
    chunks.slice(1).forEach((chunk, index) => expect(chunk.firstPage).toBe(chunks[index]!.lastPage));
    expect(chunks[0]!.firstPage).toBe(1);
    expect(chunks.at(-1)!.lastPage).toBe(40);
  });

  it('limits chunks by pages as well as tokens, and can go without overlap', () => {
    const chunks = chunkDocument(pages(10, 10), { maxTokens: 100_000, maxPages: 4, overlapPages: 0 });
    expect(chunks.map((chunk) => [chunk.firstPage, chunk.lastPage])).toEqual([
      [1, 4],
      [5, 8],
      [9, 10],
    ]);
  });

  it('splits a page too large for any chunk at line ends, each part knowing where it starts and ends', () => {
    const lines = Array.from({ length: 300 }, (_, index) => `line ${String(index).padStart(3, '0')} of a very long single page`);
    const big = page(2, lines.join('\n'));
    const chunks = chunkDocument([page(1, 'cover'), big, page(3, 'appendix')], { maxTokens: 800, overlapPages: 0 });
    const parts = chunks.filter((chunk) => chunk.firstPage === 2 && chunk.lastPage === 2);
    expect(parts.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(800);
    // The parts tile the page exactly, and each cut falls after a line end.
    const covering = chunks.filter((chunk) => chunk.firstPage <= 2 && chunk.lastPage >= 2);
    const pieces = covering.map((chunk) => big.text.slice(chunk.firstPage === 2 ? chunk.start : 0, chunk.lastPage === 2 ? chunk.end : big.text.length));
    expect(pieces.join('')).toBe(big.text);
    for (const chunk of parts.slice(0, -1)) expect(big.text[chunk.end - 1]).toBe('\n');
  });

  it('cuts a single line longer than the budget by characters', () => {
    const chunks = chunkDocument([page(1, 'y'.repeat(10_000))], { maxTokens: 500 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.tokens).toBeLessThanOrEqual(500);
    expect(chunks.at(-1)!.end).toBe(10_000);
  });

  it('uses the token counter it is given', () => {
    const words = (text: string) => text.split(/\s+/).filter(Boolean).length;
    const document = Array.from({ length: 6 }, (_, index) => page(index + 1, 'one two three four five'));
    const chunks = chunkDocument(document, { maxTokens: 25, countTokens: words, overlapPages: 0 });
    // Each page is 5 words plus its 4-word marker line: two pages fit in 25 words, three do not.
    expect(chunks.map((chunk) => [chunk.firstPage, chunk.lastPage])).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  it('refuses a budget of nothing', () => {
    expect(() => chunkDocument(pages(2, 10), { maxTokens: 0 })).toThrow(RangeError);
  });
});
