import { describe, expect, it } from 'vitest';
import type { OcrEngine, OcrWord } from '../../../src/documents/ocr/ocr-engine.ts';
import { ocrPage } from '../../../src/documents/ocr/ocr-page.ts';

/** Recognised words as Tesseract returns them, without running it: this tests what is done with them. */
function engineReading(words: OcrWord[]): OcrEngine {
  return { recognize: async () => ({ words, confidence: 90 }) } as unknown as OcrEngine;
}

const word = (text: string, left: number, top: number, confidence = 95, height = 28): OcrWord => ({
  text,
  left,
  top,
  right: left + 18 * text.length,
  bottom: top + height,
  lineTop: top,
  lineBottom: top + height,
  confidence,
});

describe('ocrPage', () => {
  it('lays recognised words out in lines and scales their boxes to page units', async () => {
    const words = [word('Invoice', 100, 100), word('INV-42', 234, 100), word('Total', 100, 134), word('99.50', 600, 134)];
    const page = await ocrPage(engineReading(words), Buffer.alloc(0), 300 / 72);
    expect(page.text).toMatch(/^Invoice INV-42\nTotal {3,}99\.50$/);
    const first = page.words[0]!;
    expect(first.box.map((value) => Math.round(value * 10) / 10)).toEqual([24, 24, 54.2, 30.7]);
    expect(first.confidence).toBe(95);
    expect(page.confidence).toBe(95);
  });

  it('keeps words Tesseract was unsure of, with their confidence', async () => {
    const page = await ocrPage(engineReading([word('GPA:', 100, 100, 0), word('3.7/4.0', 180, 100, 9)]), Buffer.alloc(0), 1);
    expect(page.text).toBe('GPA: 3.7/4.0');
    expect(page.words.map((entry) => entry.confidence)).toEqual([0, 9]);
  });

  it('drops a sliver read above a word, and a second reading inside a surer word', async () => {
    const words = [
      word('March', 211, 1555),
      // The tops of "2018" read as a flat word of their own.
      word('AAO', 310, 1555, 36, 5),
      word('2018', 309, 1555),
      word('2O18', 315, 1558, 40),
      word('December', 389, 1555),
    ];
    expect((await ocrPage(engineReading(words), Buffer.alloc(0), 1)).text).toBe('March 2018 December');
  });
});
