import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { CorruptDocumentError, EncryptedDocumentError, NoTextError } from '../../../src/documents/document-errors.ts';
import { wordsInRange } from '../../../src/documents/document-page.ts';
import { pageImage } from '../../../src/documents/page-image.ts';
import { assertHasText, readDocument, readPages } from '../../../src/documents/read-document.ts';
import { INVOICE, invoiceText, leftColumnLine, pdfWith, rightColumnLine, scannedPdf, twoColumnText } from '../../support/test-pdfs.ts';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/documents/${name}`, import.meta.url)));
const textOnly = { ocr: false } as const;

describe('reading PDFs by their text layer', { timeout: 60_000 }, () => {
  it('keeps an invoice table row by row, with its columns apart', async () => {
    const document = await readDocument(await pdfWith([invoiceText()]), textOnly);
    expect(document.format).toBe('pdf');
    const [page] = document.pages;
    expect(page).toMatchObject({ page: 1, ocr: false, width: 612, height: 792 });
    const lines = page!.text.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^Description {3,}Qty {3,}Unit price {3,}Amount$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Consulting services {3,}10 {3,}150\.00 {3,}1,500\.00$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ +Total due {3,}2,031\.50$/));
    expect(lines).toContainEqual(expect.stringMatching(/^INVOICE {3,}Northwind Traders Ltd\.$/));
  });

  it('reads a two-column page column by column', async () => {
    const document = await readDocument(await pdfWith([twoColumnText()]), textOnly);
    const lines = document.pages[0]!.text.split('\n').filter((line) => line.trim().length > 0);
    expect(lines[0]).toBe('Column Reading Order Across A Two Column Page');
    expect(lines.slice(1, 25)).toEqual(Array.from({ length: 24 }, (_, index) => leftColumnLine(index)));
    expect(lines.slice(25, 49)).toEqual(Array.from({ length: 24 }, (_, index) => rightColumnLine(index)));
  });

  it('gives every word its box in page points, from the top-left corner', async () => {
    const page = (await readDocument(await pdfWith([invoiceText()]), textOnly)).pages[0]!;
    const at = page.text.indexOf(INVOICE.number);
    const [word] = wordsInRange(page, at, at + INVOICE.number.length);
    expect(page.text.slice(word!.start, word!.end)).toBe(INVOICE.number);
    const [left, top, right, bottom] = word!.box;
    // Drawn in 11-point Helvetica at 72 pt from the left after "Invoice number: " (7.392 em wide in
    // Helvetica's metrics), baseline 110 pt from the top.
    expect(left).toBeCloseTo(72 + 7.392 * 11, 1);
    expect(right - left).toBeGreaterThan(60);
    expect(bottom).toBeGreaterThan(110);
    expect(bottom).toBeLessThan(114);
    expect(top).toBeGreaterThan(99);
    expect(top).toBeLessThan(103);
  });

  it('numbers the pages of a longer PDF', async () => {
    const pages = [1, 2, 3].map((number) => [{ text: `This is page ${number} of three`, x: 72, top: 100 }]);
    const document = await readDocument(await pdfWith(pages), textOnly);
    expect(document.pages.map((page) => [page.page, page.text])).toEqual([
      [1, 'This is page 1 of three'],
      [2, 'This is page 2 of three'],
      [3, 'This is page 3 of three'],
    ]);
  });

  it('refuses a PDF that needs a password, and opens one that only has an owner password', async () => {
    await expect(readDocument(fixture('encrypted.pdf'), textOnly)).rejects.toThrow(EncryptedDocumentError);
    await expect(readDocument(fixture('encrypted.pdf'), textOnly)).rejects.toThrow('the PDF is protected by a password; send it without the password');
    const opened = await readDocument(fixture('owner-locked.pdf'), textOnly);
    expect(opened.pages[0]!.text).toBe('Invoice INV-7731 total 1,250.00');
  });

  it('calls a damaged PDF corrupt', async () => {
    const whole = await pdfWith([invoiceText()]);
    await expect(readDocument(whole.subarray(0, 400), textOnly)).rejects.toThrow(CorruptDocumentError);
    await expect(readDocument(new TextEncoder().encode('%PDF-1.7\nnot really a pdf at all\n'), textOnly)).rejects.toThrow(CorruptDocumentError);
  });

  it('reports each page read and stops between pages when cancelled', async () => {
    const pdf = await pdfWith([1, 2, 3].map((number) => [{ text: `Page ${number}`, x: 72, top: 100 }]));
    const seen: [number, number][] = [];
    await readDocument(pdf, { ...textOnly, onPage: (page, pages) => void seen.push([page.page, pages]) });
    expect(seen).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    const controller = new AbortController();
    const reading = readDocument(pdf, { ...textOnly, signal: controller.signal, onPage: () => controller.abort(new Error('run cancelled')) });
    await expect(reading).rejects.toThrow('run cancelled');
  });

  it('resumes from a page, leaving the check for text to whoever has every page', async () => {
    const pdf = await pdfWith([[{ text: 'Only the first page has text', x: 72, top: 100 }], [], []]);
    const resumed = await readPages(pdf, { ...textOnly, fromPage: 2 });
    expect(resumed).toMatchObject({ format: 'pdf', pageCount: 3 });
    expect(resumed.pages.map((page) => [page.page, page.text])).toEqual([
      [2, ''],
      [3, ''],
    ]);
    expect(() => assertHasText(resumed.pages)).toThrow(NoTextError);
    const text = await readPages(new TextEncoder().encode('one\ftwo\fthree'), { fromPage: 3 });
    expect(text.pages.map((page) => [page.page, page.text])).toEqual([[3, 'three']]);
  });

  it('reads a text page that carries a small picture by its text layer, not by OCR', async () => {
    const logo = (await pageImage(await pdfWith([[{ text: 'LOGO', x: 2, top: 20, size: 16 }]], [60, 30]), 'pdf', 1, 72))!.png;
    const document = await PDFDocument.load(await pdfWith([invoiceText()]));
    document.getPage(0).drawImage(await document.embedPng(logo), { x: 480, y: 740, width: 60, height: 30 });
    // With OCR allowed: a page with this much text is never sent to it, whatever images it holds.
    const read = await readDocument(await document.save());
    expect(read.pages[0]!.ocr).toBe(false);
    expect(read.pages[0]!.text).toContain(INVOICE.number);
  });

  it('says a scan has no text when OCR is off', async () => {
    const png = (await pageImage(await pdfWith([invoiceText()]), 'pdf', 1, 72))!.png;
    await expect(readDocument(await scannedPdf([png]), textOnly)).rejects.toThrow(NoTextError);
    await expect(readDocument(await scannedPdf([png]), textOnly)).rejects.toThrow(/^the document has no text$/);
    await expect(readDocument(png, textOnly)).rejects.toThrow(/^the document has no text$/);
  });
});

describe('page images', { timeout: 60_000 }, () => {
  it('renders a PDF page at the resolution asked for', async () => {
    const pdf = await pdfWith([invoiceText()]);
    const image = (await pageImage(pdf, 'pdf', 1, 144))!;
    expect([image.width, image.height]).toEqual([1224, 1584]);
    expect([...image.png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    expect(await pageImage(pdf, 'pdf', 2)).toBeUndefined();
    expect(await pageImage(new TextEncoder().encode('text'), 'text', 1)).toBeUndefined();
  });

  it('serves an uploaded image as the PNG OCR reads', async () => {
    const png = (await pageImage(await pdfWith([invoiceText()], [200, 100]), 'pdf', 1, 72))!.png;
    const image = (await pageImage(png, 'png', 1))!;
    expect([image.width, image.height]).toEqual([200, 100]);
  });
});
