import { PDFDocument, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';

/** Text drawn on a test page at `x` points from the left and `top` points from the top. */
export interface Placed {
  text: string;
  x: number;
  top: number;
  size?: number;
}

export const INVOICE = {
  number: 'INV-2024-0042',
  date: 'March 4, 2026',
  rows: [
    ['Description', 'Qty', 'Unit price', 'Amount'],
    ['Consulting services', '10', '150.00', '1,500.00'],
    ['Travel expenses', '1', '234.50', '234.50'],
    ['Software licence', '3', '99.00', '297.00'],
  ],
  total: '2,031.50',
};

/** Where the invoice's column start, in points. */
const INVOICE_COLUMNS = [72, 300, 380, 470];

/** An invoice page: a header, a table of line items, a total; text drawn by pdf-lib in Helvetica. */
export function invoiceText(): Placed[] {
  const placed: Placed[] = [
    { text: 'INVOICE', x: 72, top: 72, size: 20 },
    { text: 'Northwind Traders Ltd.', x: 380, top: 72 },
    { text: `Invoice number: ${INVOICE.number}`, x: 72, top: 110 },
    { text: `Date: ${INVOICE.date}`, x: 72, top: 126 },
  ];
  INVOICE.rows.forEach((cells, row) => cells.forEach((text, column) => placed.push({ text, x: INVOICE_COLUMNS[column]!, top: 170 + 18 * row })));
  placed.push({ text: 'Total due', x: 380, top: 170 + 18 * INVOICE.rows.length + 10 }, { text: INVOICE.total, x: 470, top: 170 + 18 * INVOICE.rows.length + 10 });
  return placed;
}

export const leftColumnLine = (index: number) => `The left column line ${index} tells its own part of the story`;
export const rightColumnLine = (index: number) => `Right column line ${index} continues the account further`;

/** A page with a full-width title over two columns of running text, 24 lines each. */
export function twoColumnText(): Placed[] {
  const placed: Placed[] = [{ text: 'Column Reading Order Across A Two Column Page', x: 72, top: 72, size: 16 }];
  for (let index = 0; index < 24; index += 1) {
    placed.push({ text: leftColumnLine(index), x: 54, top: 120 + 12 * index, size: 9 });
    placed.push({ text: rightColumnLine(index), x: 330, top: 120 + 12 * index, size: 9 });
  }
  return placed;
}

/** A PDF with one page per list of placed text, letter-sized unless `size` says otherwise. */
export async function pdfWith(pages: Placed[][], size: [number, number] = [612, 792]): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (const placed of pages) draw(document.addPage(size), font, placed);
  return document.save();
}

/** An image-only PDF: each PNG fills a page of the given size, with no text layer at all. */
export async function scannedPdf(pngs: Uint8Array[], size: [number, number] = [612, 792]): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  for (const png of pngs) {
    const image = await document.embedPng(png);
    document.addPage(size).drawImage(image, { x: 0, y: 0, width: size[0], height: size[1] });
  }
  return document.save();
}

function draw(page: PDFPage, font: PDFFont, placed: Placed[]): void {
  const height = page.getHeight();
  for (const { text, x, top, size = 11 } of placed) page.drawText(text, { x, y: height - top, size, font });
}

/** Labelled lines (`Label: value`, one a line) on a page, as a form or a simple invoice prints them. */
export function labelledLines(lines: readonly string[], options: { x?: number; top?: number; size?: number; leading?: number } = {}): Placed[] {
  const { x = 72, top = 90, size = 12, leading = 20 } = options;
  return lines.map((text, index) => ({ text, x, top: top + leading * index, size }));
}

const LEFT_PROSE = [
  'Goods were delivered to the warehouse',
  'in three shipments during the month,',
  'each checked against the order and',
  'signed for by the receiving clerk.',
  'Questions about this invoice go to',
  'the accounts team within 30 days.',
];
const RIGHT_PROSE = [
  'Payment by bank transfer is preferred;',
  'quote the invoice number as reference.',
  'Late payments carry interest at the',
  'statutory rate from the due date on.',
  'Our terms and conditions apply to',
  'every delivery named on this page.',
];

/**
 * A page whose labelled lines stand in two columns beside running text, drawn row by row across the
 * page as many producers write them: joined in drawing order, `Invoice Number: …` and
 * `Vendor Name: …` share a line and each value runs into the other column.
 */
export function twoColumnLabelled(left: readonly string[], right: readonly string[]): Placed[] {
  const columns = [
    labelledLines([...left, ...LEFT_PROSE], { x: 54, top: 100, size: 10, leading: 14 }),
    labelledLines([...right, ...RIGHT_PROSE], { x: 320, top: 100, size: 10, leading: 14 }),
  ];
  const rows = Math.max(...columns.map((column) => column.length));
  return [{ text: 'Document type: invoice', x: 54, top: 60, size: 14 }, ...Array.from({ length: rows }, (_, row) => columns.flatMap((column) => column.slice(row, row + 1)))].flat();
}
