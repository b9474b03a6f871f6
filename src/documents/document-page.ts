import { z } from 'zod';

/**
 * A box on a page: `[left, top, right, bottom]`, origin at the page's top-left corner, in the page's
 * own units — PDF points (1/72 inch) for PDF pages, pixels for images — the same units as the page's
 * `width` and `height`, so a viewer scales a box by `imageWidth / width`.
 */
export const boxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type Box = z.infer<typeof boxSchema>;

/** One word as it stands on its page: where it is in the page's text and where it is drawn. */
export const pageWordSchema = z.object({
  /** UTF-16 offsets into the page's `text`; `text.slice(start, end)` is the word. */
  start: z.number().int().nonnegative(),
  end: z.number().int().nonnegative(),
  box: boxSchema,
  /** OCR's confidence in the word, 0–100; absent for words from a PDF's text layer. */
  confidence: z.number().min(0).max(100).optional(),
});
export type PageWord = z.infer<typeof pageWordSchema>;

export const documentPageSchema = z.object({
  /** 1-based. */
  page: z.number().int().positive(),
  /** The page in reading order: lines joined by `\n`, columns one after another, table rows on their lines. */
  text: z.string(),
  /** The text came from OCR of the page's image rather than from a text layer or a text format. */
  ocr: z.boolean(),
  /** Null for text, HTML and DOCX, which have no drawn page. */
  width: z.number().positive().nullable(),
  height: z.number().positive().nullable(),
  words: z.array(pageWordSchema),
  /** OCR's mean word confidence for the page, 0–100; absent unless `ocr`. */
  confidence: z.number().min(0).max(100).optional(),
});
export type DocumentPage = z.infer<typeof documentPageSchema>;

export const readDocumentSchema = z.object({
  format: z.enum(['pdf', 'png', 'jpeg', 'tiff', 'html', 'text', 'docx']),
  mimeType: z.string(),
  pages: z.array(documentPageSchema),
});
export type ReadDocument = z.infer<typeof readDocumentSchema>;

/** The words of a page whose text overlaps `[start, end)`. Words are in text order, so this is a binary search. */
export function wordsInRange(page: Pick<DocumentPage, 'words'>, start: number, end: number): PageWord[] {
  const words = page.words;
  let low = 0;
  let high = words.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (words[middle]!.end <= start) low = middle + 1;
    else high = middle;
  }
  const found: PageWord[] = [];
  for (let index = low; index < words.length && words[index]!.start < end; index += 1) found.push(words[index]!);
  return found;
}

/** The smallest box holding all of `boxes`, or undefined for none. */
export function unionBox(boxes: readonly Box[]): Box | undefined {
  if (boxes.length === 0) return undefined;
  let [left, top, right, bottom] = boxes[0]!;
  for (const [l, t, r, b] of boxes) {
    left = Math.min(left, l);
    top = Math.min(top, t);
    right = Math.max(right, r);
    bottom = Math.max(bottom, b);
  }
  return [left, top, right, bottom];
}
