import type { PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import type { LayoutWord } from '../layout/text-lines.ts';
import { characterBoundaries } from './glyph-widths.ts';

export interface PdfTextLayer {
  /** Words drawn left to right, in page points with the origin at the top-left corner. */
  words: LayoutWord[];
  /** Runs of rotated or vertical text, one array per run. */
  sideways: LayoutWord[][];
  width: number;
  height: number;
  /** Characters of the text layer, whitespace excluded: how much text the page really holds. */
  characters: number;
}

type Matrix = [number, number, number, number, number, number];

/**
 * Reads the words of a page's text layer with their places. pdf.js gives text items — runs of
 * glyphs with a transform and an advance width, in content-stream order — and this splits each
 * run into its words, placing them by the run's transform mapped through the page's viewport
 * (which applies the page's /Rotate and flips y). Positions inside a run are interpolated from its
 * width by typical letter widths (`characterBoundaries`), since pdf.js gives no per-glyph advances. Whitespace-only items carry no ink and are dropped
 * (some PDFs draw one space item spanning a whole column gap).
 */
export async function readTextLayer(page: PDFPageProxy): Promise<PdfTextLayer> {
  const viewport = page.getViewport({ scale: 1 });
  const content = await page.getTextContent();
  const words: LayoutWord[] = [];
  const sideways: LayoutWord[][] = [];
  let characters = 0;
  for (const item of content.items) {
    if (!('str' in item)) continue;
    // Control characters come from fonts without a usable Unicode map; NUL cannot be stored in PostgreSQL.
    const text = stripControlCharacters(item.str);
    if (text.trim().length === 0) continue;
    characters += text.replace(/\s+/g, '').length;
    const style = content.styles[item.fontName];
    const boundaries = characterBoundaries(text, style?.fontFamily === 'monospace');
    const placed = placeWords(item, text, boundaries, multiply(viewport.transform as Matrix, item.transform as Matrix), style?.ascent, style?.descent);
    if (placed.horizontal && !style?.vertical) words.push(...placed.words);
    else sideways.push(placed.words);
  }
  return { words, sideways, width: viewport.width, height: viewport.height, characters };
}

function stripControlCharacters(text: string): string {
  let kept = '';
  for (const character of text) if (character >= ' ' || character === '\t') kept += character;
  return kept;
}

function placeWords(item: TextItem, text: string, boundaries: number[], [a, b, c, d, e, f]: Matrix, ascent = 0.8, descent = -0.2): { horizontal: boolean; words: LayoutWord[] } {
  const size = Math.hypot(c, d) || item.height || 1;
  const along = Math.hypot(a, b) || 1;
  const direction = [a / along, b / along] as const;
  const up = [c / (Math.hypot(c, d) || 1), d / (Math.hypot(c, d) || 1)] as const;
  // Fonts report ascents from 0.6 to over 1.1 em; clamping keeps boxes of one line comparable.
  const rise = Math.min(Math.max(ascent, 0.6), 0.95) * size;
  const drop = Math.min(Math.max(-descent, 0.1), 0.3) * size;
  const advance = item.width > 0 ? item.width : 0.5 * size * text.length;
  const words: LayoutWord[] = [];
  for (const match of text.matchAll(/\S+/g)) {
    const from = advance * boundaries[match.index]!;
    const to = advance * boundaries[match.index + match[0].length]!;
    const corners = [from, to].flatMap((distance) =>
      [rise, -drop].map((height) => [e + direction[0] * distance + up[0] * height, f + direction[1] * distance + up[1] * height] as const),
    );
    const xs = corners.map(([x]) => x);
    const ys = corners.map(([, y]) => y);
    words.push({ text: match[0], left: Math.min(...xs), right: Math.max(...xs), top: Math.min(...ys), bottom: Math.max(...ys), size });
  }
  // Upright text runs along +x with its top towards −y once the viewport has flipped the page.
  const horizontal = Math.abs(direction[1]) < 0.05 && direction[0] > 0 && up[1] < 0;
  return { horizontal, words };
}

function multiply([a1, b1, c1, d1, e1, f1]: Matrix, [a2, b2, c2, d2, e2, f2]: Matrix): Matrix {
  return [a1 * a2 + c1 * b2, b1 * a2 + d1 * b2, a1 * c2 + c1 * d2, b1 * c2 + d1 * d2, a1 * e2 + c1 * f2 + e1, b1 * e2 + d1 * f2 + f1];
}
