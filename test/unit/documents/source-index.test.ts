import { describe, expect, it } from 'vitest';
import type { DocumentPage } from '../../../src/documents/document-page.ts';
import { layoutPage } from '../../../src/documents/layout/page-layout.ts';
import type { LayoutWord } from '../../../src/documents/layout/text-lines.ts';
import { SourceIndex, type FoundSource } from '../../../src/documents/source/source-index.ts';
import { digitReadings, writtenDates } from '../../../src/documents/source/written-values.ts';

function textPage(page: number, text: string): DocumentPage {
  return { page, text, ocr: false, width: null, height: null, words: [] };
}

/** A page laid out from lines of 10-point words, so it has word boxes. */
function drawnPage(page: number, lines: string[]): DocumentPage {
  const words: LayoutWord[] = lines.flatMap((line, index) => {
    let x = 72;
    return line.split(' ').map((text) => {
      const word = { text, left: x, right: x + 5 * text.length, top: 92 + 14 * index, bottom: 102 + 14 * index, size: 10 };
      x += 5 * (text.length + 1);
      return word;
    });
  });
  return { page, ocr: false, width: 612, height: 792, ...layoutPage(words) };
}

const spanOf = (pages: DocumentPage[], source: FoundSource | undefined) => pages.find((page) => page.page === source?.page)?.text.slice(source!.start, source!.end);

describe('SourceIndex', () => {
  const pages = [
    textPage(1, 'ACME Corporation\nInvoice Number: INV-2024-0042\nIssued: March 4, 2026\nPayment terms: net 30 days'),
    textPage(2, 'Description      Qty     Amount\nConsulting       10      1,234.50\nDiscount                (91.10)\nVAT rate 19%\nTotal EUR 1.143,40'),
    textPage(3, 'Delivered on 04.03.2026 to the retrieval-augmented generation lab.\nThe hallucina-\ntion rate fell.'),
  ];
  const index = new SourceIndex(pages);

  it('finds a string as written, whatever its case or spacing', () => {
    const source = index.locate('inv-2024-0042') as FoundSource;
    expect(source).toMatchObject({ page: 1, match: 'exact' });
    expect(spanOf(pages, source)).toBe('INV-2024-0042');
    expect(spanOf(pages, index.locate('ACME   corporation') as FoundSource)).toBe('ACME Corporation');
  });

  it('finds a number by any way it is written', () => {
    expect(spanOf(pages, index.locate(1234.5) as FoundSource)).toBe('1,234.50');
    expect(index.locate(1234.5)).toMatchObject({ page: 2, match: 'exact' });
    expect(spanOf(pages, index.locate(1143.4) as FoundSource)).toBe('1.143,40');
    expect(spanOf(pages, index.locate(-91.1) as FoundSource)).toBe('91.10');
    expect(spanOf(pages, index.locate(0.19) as FoundSource)).toBe('19');
    expect(spanOf(pages, index.locate('$1,234.50') as FoundSource)).toBe('1,234.50');
    expect(index.locate(30)).toMatchObject({ page: 1, match: 'exact' });
  });

  it('finds a date written in words or in digits', () => {
    expect(spanOf(pages, index.locate('2026-03-04') as FoundSource)).toBe('March 4, 2026');
    expect(index.locate('2026-03-04', { pages: { from: 3, to: 3 } })).toMatchObject({ page: 3, match: 'exact' });
    expect(spanOf(pages, index.locate('2026-03-04', { pages: { from: 3, to: 3 } }) as FoundSource)).toBe('04.03.2026');
  });

  it('finds a phrase across a line break and a word hyphenated at a line end', () => {
    expect(spanOf(pages, index.locate('Amount Consulting') as FoundSource)).toBe('Amount\nConsulting');
    expect(spanOf(pages, index.locate('hallucination rate') as FoundSource)).toBe('hallucina-\ntion rate');
  });

  it('does not find a number inside a longer one, nor a word inside another', () => {
    expect(index.locate('202')).toMatchObject({ match: 'not_found', page: null, start: null, end: null });
    expect(index.locate('Corp')).toMatchObject({ match: 'not_found' });
  });

  it('finds a value misread by OCR or written a little differently as fuzzy', () => {
    const scanned = [textPage(1, 'lnvoice Nurnber: INV-2O24-0042\nRetrieval Augmented Generation Lab')];
    const fuzzy = new SourceIndex(scanned);
    const source = fuzzy.locate('Invoice Number') as FoundSource;
    expect(source.match).toBe('fuzzy');
    expect(spanOf(scanned, source)).toBe('lnvoice Nurnber');
    expect(spanOf(scanned, fuzzy.locate('retrieval-augmented generation lab') as FoundSource)).toBe('Retrieval Augmented Generation Lab');
    expect(fuzzy.locate('Quarterly revenue forecast')).toMatchObject({ match: 'not_found' });
  });

  it('finds a number within the tolerance scoring allows as fuzzy', () => {
    expect(index.locate(1234.49)).toMatchObject({ page: 2, match: 'fuzzy' });
    expect(index.locate(1300)).toMatchObject({ match: 'not_found' });
  });

  it('has nothing to find for booleans, nulls and empty strings', () => {
    expect(index.locate(true)).toBeUndefined();
    expect(index.locate(null)).toBeUndefined();
    expect(index.locate('  ')).toBeUndefined();
  });

  it('prefers the place the hint points to when a value is written more than once', () => {
    const repeated = [textPage(1, 'Amount 100.00'), textPage(2, 'Amount 100.00'), textPage(3, 'Amount 100.00 and again 100.00')];
    const many = new SourceIndex(repeated);
    expect(many.locate(100)).toMatchObject({ page: 1 });
    expect(many.locate(100, { pages: { from: 2, to: 3 } })).toMatchObject({ page: 2 });
    expect(many.locate(100, { near: { page: 3, offset: 25 } })).toMatchObject({ page: 3, start: 24 });
  });

  it('gives the box of the words a value covers', () => {
    const drawn = [drawnPage(1, ['Invoice number INV-42', 'Total due 1,250.00 EUR'])];
    const source = new SourceIndex(drawn).locate(1250) as FoundSource;
    expect(source.bbox).toEqual([122, 106, 162, 116]);
    const phrase = new SourceIndex(drawn).locate('number INV-42 Total') as FoundSource;
    expect(phrase.bbox).toEqual([72, 92, 177, 116]);
  });

  it('indexes a 500-page document once and answers hundreds of values from it', () => {
    const big = Array.from({ length: 500 }, (_, page) =>
      textPage(page + 1, Array.from({ length: 40 }, (_, line) => `Clause ${page}.${line}: the borrower shall pay ${(page * 40 + line) * 3.25} USD on ${1 + (line % 28)} May ${2000 + (page % 30)}`).join('\n')),
    );
    const bigIndex = new SourceIndex(big);
    for (let value = 0; value < 300; value += 1) {
      const page = 1 + ((value * 7) % 500);
      const line = value % 40;
      expect(bigIndex.locate(((page - 1) * 40 + line) * 3.25)).toMatchObject({ page, match: 'exact' });
      expect(bigIndex.locate(`Clause ${page - 1}.${line}:`)).toMatchObject({ page, match: 'exact' });
    }
    expect(bigIndex.locate('the borowers shall pay')).toMatchObject({ match: 'fuzzy' });
  });
});

describe('written values', () => {
  it('reads every number a written form can be', () => {
    expect(digitReadings('1,234.50')).toEqual([1234.5]);
    expect(digitReadings('1.234,50')).toEqual([1234.5]);
    expect(digitReadings("1'234.50")).toEqual([1234.5]);
    expect(digitReadings('1,234')).toEqual([1234, 1.234]);
    expect(digitReadings('1,234,567')).toEqual([1234567]);
    expect(digitReadings('12.5')).toEqual([12.5]);
    expect(digitReadings('04.03.2026')).toEqual([]);
  });

  it('reads dates in both day orders when digits leave it open', () => {
    expect(writtenDates('on 03/04/2026').map((date) => date.days)).toEqual([['2026-03-04', '2026-04-03']]);
    expect(writtenDates('on 31/12/26').map((date) => date.days)).toEqual([['2026-12-31']]);
    expect(writtenDates('the 4th of March, 2026').map((date) => date.days)).toEqual([['2026-03-04']]);
    expect(writtenDates('Sept. 30 2024').map((date) => date.days)).toEqual([['2024-09-30']]);
    expect(writtenDates('February 30, 2026')).toEqual([]);
  });
});
