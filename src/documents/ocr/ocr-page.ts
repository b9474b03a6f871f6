import { layoutPage, type LaidOutPage } from '../layout/page-layout.ts';
import type { LayoutWord } from '../layout/text-lines.ts';
import type { OcrEngine } from './ocr-engine.ts';

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
  // Every word is kept with its confidence: Tesseract scores real words near zero often enough
  // ("GPA:", "3.7/4.0" on a clean résumé scan) that a cut-off would lose values, not noise.
  const words: LayoutWord[] = result.words.map((word) => ({
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
