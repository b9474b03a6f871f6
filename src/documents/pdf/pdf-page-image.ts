import { createCanvas } from '@napi-rs/canvas';
import { OPS, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { pdfError } from './open-pdf.ts';

/** A rendered page never exceeds this many pixels (a 300 DPI A3 page is 17 million): huge page boxes are scaled down. */
const MAX_PIXELS = 40_000_000;

export interface RenderedPage {
  png: Buffer;
  /** Pixels per PDF point the page was drawn at (dpi / 72, or less for a huge page). */
  scale: number;
  width: number;
  height: number;
}

/**
 * Draws a PDF page onto a white canvas (@napi-rs/canvas, the canvas package pdf.js itself loads in
 * Node) and encodes it as PNG: the image OCR reads and the page viewer shows.
 */
export async function renderPdfPage(page: PDFPageProxy, dpi: number): Promise<RenderedPage> {
  const natural = page.getViewport({ scale: 1 });
  const scale = Math.min(dpi / 72, Math.sqrt(MAX_PIXELS / (natural.width * natural.height)));
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.max(1, Math.ceil(viewport.width)), Math.max(1, Math.ceil(viewport.height)));
  const context = canvas.getContext('2d');
  // PDF pages are transparent where nothing is drawn; OCR wants dark text on white.
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  try {
    // The canvas package implements the subset of CanvasRenderingContext2D that pdf.js uses.
    await page.render({ canvasContext: context as unknown as CanvasRenderingContext2D, viewport }).promise;
  } catch (error) {
    throw pdfError(error, `page ${page.pageNumber} could not be drawn`);
  }
  return { png: await canvas.encode('png'), scale, width: canvas.width, height: canvas.height };
}

/**
 * The share of the page that its images cover, 0 to 1: a page that is mostly one picture and has
 * little or no text layer is a scan. Walks the page's drawing operators, keeping the current
 * transformation matrix through save/restore, and adds up the area each image is drawn at (an
 * image fills the unit square of the matrix current when it is painted).
 */
export async function imageCoverage(page: PDFPageProxy): Promise<number> {
  const operators = await page.getOperatorList();
  const [x0, y0, x1, y1] = page.view;
  const pageArea = Math.abs((x1! - x0!) * (y1! - y0!)) || 1;
  const stack: number[][] = [];
  let matrix = [1, 0, 0, 1, 0, 0];
  let covered = 0;
  operators.fnArray.forEach((operator, index) => {
    const args = operators.argsArray[index] as unknown[] | null;
    if (operator === OPS.save) stack.push(matrix);
    else if (operator === OPS.restore) matrix = stack.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (operator === OPS.transform && args) matrix = multiply(matrix, args as number[]);
    else if (operator === OPS.paintFormXObjectBegin) {
      // A form XObject (where some scanners put the page image) draws under its own matrix.
      stack.push(matrix);
      if (Array.isArray(args?.[0])) matrix = multiply(matrix, args[0] as number[]);
    } else if (operator === OPS.paintFormXObjectEnd) matrix = stack.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (IMAGE_OPERATORS.has(operator)) {
      covered += Math.abs(matrix[0]! * matrix[3]! - matrix[1]! * matrix[2]!);
    }
  });
  return Math.min(1, covered / pageArea);
}

const IMAGE_OPERATORS = new Set<number>([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageXObjectRepeat, OPS.paintImageMaskXObject]);

function multiply(m: number[], n: number[]): number[] {
  const [a, b, c, d, e, f] = m as [number, number, number, number, number, number];
  const [a2, b2, c2, d2, e2, f2] = n as [number, number, number, number, number, number];
  return [a2 * a + b2 * c, a2 * b + b2 * d, c2 * a + d2 * c, c2 * b + d2 * d, e2 * a + f2 * c + e, e2 * b + f2 * d + f];
}
