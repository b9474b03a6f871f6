import { layoutPage, type LaidOutPage } from '../layout/page-layout.ts';
import type { LayoutWord } from '../layout/text-lines.ts';
import type { OcrEngine, OcrWord } from './ocr-engine.ts';

export interface OcrPage extends LaidOutPage {
  /** Mean confidence of the page's words, 0–100; 0 when there were none. */
  confidence: number;
}

/**
 * Reads a page image by OCR and lays its words out like a text layer's (columns, table rows). Word
 * boxes are divided by `scale` (image pixels per page unit), so they land in the page's own units:
 * PDF points for a rendered PDF page, pixels (scale 1) for an uploaded image.
 */
export async function ocrPage(engine: OcrEngine, png: Buffer, scale: number, dpi?: number): Promise<OcrPage> {
  const result = await engine.recognize(png, dpi);
  // Every word is kept with its confidence — Tesseract scores real words near zero often enough
  // ("GPA:", "3.7/4.0" on a clean résumé scan) that a cut-off would lose values, not noise — but
  // not what is plainly a misreading (see withoutMisreadings).
  const words: LayoutWord[] = withoutMisreadings(result.words).map((word) => ({
    text: word.text,
    left: word.left / scale,
    right: word.right / scale,
    // Every word takes its text line's height, so words with and without ascenders and
    // descenders line up as the text layer's do, and the line height stands in for the type size.
    top: word.lineTop / scale,
    bottom: word.lineBottom / scale,
    size: (0.8 * (word.lineBottom - word.lineTop)) / scale,
    confidence: word.confidence,
  }));
  const laidOut = layoutPage(words);
  const confidence = words.length === 0 ? 0 : words.reduce((sum, word) => sum + (word.confidence ?? 0), 0) / words.length;
  return { ...laidOut, confidence: Math.round(confidence * 10) / 10 };
}

/**
 * Sparse-text segmentation sometimes reads ink that is not a word, or the same ink twice: the tops
 * of "2018" as a flat "AAO" just above it, an underline as "—". Such a reading is dropped when it
 * lies mostly (half its area) inside a word read with more confidence, or when its text line is a
 * sliver (under 40 % of the page's usual line height) read with little confidence.
 */
function withoutMisreadings(words: readonly OcrWord[]): OcrWord[] {
  const heights = words.map((word) => word.lineBottom - word.lineTop).sort((a, b) => a - b);
  const usualHeight = heights[Math.floor(heights.length / 2)] ?? 0;
  const area = (word: OcrWord) => Math.max(1, (word.right - word.left) * (word.bottom - word.top));
  const byLeft = [...words].sort((a, b) => a.left - b.left);
  const dropped = new Set<OcrWord>(words.filter((word) => word.lineBottom - word.lineTop < 0.4 * usualHeight && word.confidence < 50));
  byLeft.forEach((word, index) => {
    for (let next = index + 1; next < byLeft.length && byLeft[next]!.left < word.right; next += 1) {
      const other = byLeft[next]!;
      const overlap = Math.max(0, Math.min(word.right, other.right) - other.left) * Math.max(0, Math.min(word.bottom, other.bottom) - Math.max(word.top, other.top));
      const [weaker, stronger] = word.confidence < other.confidence ? [word, other] : [other, word];
      if (overlap >= 0.5 * area(weaker) && weaker.confidence < stronger.confidence) dropped.add(weaker);
    }
  });
  return words.filter((word) => !dropped.has(word));
}
