import { createCanvas, loadImage } from '@napi-rs/canvas';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import * as UTIF from 'utif2';
import { afterAll, describe, expect, it } from 'vitest';
import { NoTextError } from '../../src/documents/document-errors.ts';
import { wordsInRange, type DocumentPage } from '../../src/documents/document-page.ts';
import { closeSharedOcrEngines, OcrEngine, sharedOcrEngine } from '../../src/documents/ocr/ocr-engine.ts';
import { pageImage } from '../../src/documents/page-image.ts';
import { readDocument } from '../../src/documents/read-document.ts';
import { SourceIndex, type FoundSource } from '../../src/documents/source/source-index.ts';
import { INVOICE, invoiceText, pdfWith, scannedPdf } from '../support/test-pdfs.ts';

// The invoice on a short page, so that each OCR run reads a few lines, not a whole letter page.
const PAGE: [number, number] = [612, 320];
const DPI = 200;

async function invoicePng(): Promise<Buffer> {
  return (await pageImage(await pdfWith([invoiceText()], PAGE), 'pdf', 1, DPI))!.png;
}

function boxOf(page: DocumentPage, text: string): [number, number, number, number] {
  const at = page.text.indexOf(text);
  expect(at, `"${text}" in:\n${page.text}`).toBeGreaterThanOrEqual(0);
  const words = wordsInRange(page, at, at + text.length);
  return [Math.min(...words.map((w) => w.box[0])), Math.min(...words.map((w) => w.box[1])), Math.max(...words.map((w) => w.box[2])), Math.max(...words.map((w) => w.box[3]))];
}

/** A TIFF of several RGBA pages, uncompressed, as utif2 writes one page but with one directory per page. */
function multiPageTiff(pages: { rgba: Uint8Array; width: number; height: number }[]): Uint8Array {
  const header = 4096;
  let offset = header;
  const directories = pages.map(({ width, height }) => {
    const directory = { t256: [width], t257: [height], t258: [8, 8, 8, 8], t259: [1], t262: [2], t273: [offset], t277: [4], t278: [height], t279: [width * height * 4], t284: [1], t338: [1] };
    offset += width * height * 4;
    return directory;
  });
  const prefix = new Uint8Array(UTIF.encode(directories as unknown as UTIF.IFD[]));
  const tiff = new Uint8Array(offset);
  tiff.set(prefix);
  let at = header;
  for (const page of pages) {
    tiff.set(page.rgba, at);
    at += page.rgba.length;
  }
  return tiff;
}

async function rgbaOf(png: Buffer) {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  return { rgba: new Uint8Array(context.getImageData(0, 0, image.width, image.height).data.buffer), width: image.width, height: image.height };
}

// OCR runs in WebAssembly on this machine's two shared cores: seconds per page, more under load.
describe('OCR of scans and images', { timeout: 180_000 }, () => {
  afterAll(closeSharedOcrEngines);

  it('reads a PNG invoice by OCR, its table rows whole and its words boxed in pixels', async () => {
    const png = await invoicePng();
    const document = await readDocument(png, { mimeType: 'image/png' });
    const [page] = document.pages;
    expect(document.format).toBe('png');
    expect(page).toMatchObject({ page: 1, ocr: true, width: Math.ceil((PAGE[0] * DPI) / 72), height: Math.ceil((PAGE[1] * DPI) / 72) });
    expect(page!.confidence).toBeGreaterThan(70);
    expect(page!.text).toContain(INVOICE.number);
    expect(page!.text.split('\n')).toContainEqual(expect.stringMatching(/^Consulting services {3,}10 {3,}150\.00 {3,}1,500\.00$/));
    for (const word of page!.words) expect(word.confidence).toBeGreaterThanOrEqual(0);
    // "Invoice number:" was drawn at x = 72 pt, i.e. 200 px at 200 DPI.
    expect(boxOf(page!, 'Invoice')[0]).toBeCloseTo(200, -1);
  });

  it('reads an image-only PDF by OCR, with boxes in points where the text layer would put them', async () => {
    const png = await invoicePng();
    const scanned = await readDocument(await scannedPdf([png], PAGE));
    const original = await readDocument(await pdfWith([invoiceText()], PAGE), { ocr: false });
    const [page] = scanned.pages;
    expect(page).toMatchObject({ ocr: true, width: PAGE[0], height: PAGE[1] });
    const fromOcr = boxOf(page!, INVOICE.number);
    const fromText = boxOf(original.pages[0]!, INVOICE.number);
    expect(Math.abs(fromOcr[0] - fromText[0])).toBeLessThan(3);
    expect(Math.abs(fromOcr[2] - fromText[2])).toBeLessThan(3);
    expect(Math.abs(fromOcr[3] - fromText[3])).toBeLessThan(5);
    const source = new SourceIndex(scanned.pages).locate(INVOICE.number) as FoundSource;
    expect(source).toMatchObject({ page: 1, match: 'exact' });
    expect(Math.abs(source.bbox![0] - fromText[0])).toBeLessThan(3);
    expect(new SourceIndex(scanned.pages).locate(2031.5)).toMatchObject({ page: 1, match: 'exact' });
  });

  it('reads a scan with a few words of text layer stamped on it (a Bates number) by OCR', async () => {
    const document = await PDFDocument.load(await scannedPdf([await invoicePng()], PAGE));
    const font = await document.embedFont(StandardFonts.Helvetica);
    document.getPage(0).drawText('ACME-000123', { x: 500, y: 10, size: 8, font });
    const [page] = (await readDocument(await document.save())).pages;
    expect(page!.ocr).toBe(true);
    expect(page!.text).toContain(INVOICE.number);
    expect(page!.text).toContain('ACME-000123');
  });

  it('reads each page of a multi-page TIFF and a JPEG', async () => {
    const first = await rgbaOf(await invoicePng());
    const secondPng = (await pageImage(await pdfWith([[{ text: 'Terms: payment within 30 days of receipt', x: 72, top: 100, size: 14 }]], [612, 200]), 'pdf', 1, DPI))!.png;
    const tiff = await readDocument(multiPageTiff([first, await rgbaOf(secondPng)]), { mimeType: 'image/tiff' });
    expect(tiff.pages.map((page) => [page.page, page.ocr])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(tiff.pages[0]!.text).toContain(INVOICE.number);
    expect(tiff.pages[1]!.text).toContain('payment within 30 days');

    const image = await loadImage(secondPng);
    const canvas = createCanvas(image.width, image.height);
    canvas.getContext('2d').drawImage(image, 0, 0);
    const jpeg = await readDocument(await canvas.encode('jpeg', 90));
    expect(jpeg.format).toBe('jpeg');
    expect(jpeg.pages[0]!.text).toContain('payment within 30 days');
  });

  it('says OCR found nothing on a blank scan', async () => {
    const blank = createCanvas(600, 400);
    const context = blank.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, 600, 400);
    await expect(readDocument(await blank.encode('png'))).rejects.toThrow(NoTextError);
    await expect(readDocument(await blank.encode('png'))).rejects.toThrow('the document has no text; OCR found none on its page');
  });

  it('shares one engine per process and option set, and starts again after closing', async () => {
    expect(sharedOcrEngine()).toBe(sharedOcrEngine({ languages: ['eng'] }));
    expect(sharedOcrEngine({ workers: 2 })).not.toBe(sharedOcrEngine());
    const engine = new OcrEngine({ idleMs: 10 });
    const png = (await pageImage(await pdfWith([[{ text: 'Reusable worker', x: 20, top: 40, size: 18 }]], [300, 60]), 'pdf', 1, DPI))!.png;
    const pages = await Promise.all([engine.recognize(png), engine.recognize(png)]);
    for (const result of pages) expect(result.words.map((word) => word.text)).toEqual(['Reusable', 'worker']);
    await engine.close();
    expect((await engine.recognize(png)).words.map((word) => word.text)).toEqual(['Reusable', 'worker']);
    await engine.close();
  });

  it('names the missing data when asked for a language that is not installed', async () => {
    const engine = new OcrEngine({ languages: ['xyz'] });
    await expect(engine.recognize(await invoicePng())).rejects.toThrow('no OCR data for "xyz": install the npm package @tesseract.js-data/xyz');
  });
});
