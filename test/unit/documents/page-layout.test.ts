import { describe, expect, it } from 'vitest';
import { layoutPage } from '../../../src/documents/layout/page-layout.ts';
import type { LayoutWord } from '../../../src/documents/layout/text-lines.ts';

const SIZE = 10;

/** Words of a line set at `left`, in a 10-point font whose characters are 5 points wide. */
function line(text: string, left: number, baseline: number, size = SIZE): LayoutWord[] {
  const words: LayoutWord[] = [];
  let x = left;
  for (const word of text.split(' ')) {
    words.push({ text: word, left: x, right: x + 0.5 * size * word.length, top: baseline - 0.8 * size, bottom: baseline + 0.2 * size, size });
    x += 0.5 * size * (word.length + 1);
  }
  return words;
}

/** Cells of a table row, each starting at its column's x. */
function row(cells: [string, number][], baseline: number): LayoutWord[] {
  return cells.flatMap(([text, left]) => line(text, left, baseline));
}

const proseLeft = (index: number) => `left column sentence ${index} runs on with several words`;
const proseRight = (index: number) => `right column sentence ${index} keeps going with more words`;

describe('layoutPage', () => {
  it('keeps a table row on one line with its columns apart, and the columns aligned from row to row', () => {
    const words = [
      ...row([['Description', 72], ['Qty', 300], ['Amount', 400]], 100),
      ...row([['Widget assembly', 72], ['2', 300], ['1,234.50', 400]], 114),
      ...row([['Freight', 72], ['1', 300], ['80.00', 400]], 128),
    ];
    const { text } = layoutPage(words);
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^Description {3,}Qty {3,}Amount$/);
    expect(lines[1]).toMatch(/^Widget assembly {3,}2 {3,}1,234\.50$/);
    // Each column starts at the same character position on every row.
    for (const cell of ['Qty', 'Amount']) {
      const column = lines[0]!.indexOf(cell);
      expect(lines[1]!.slice(column, column + 1)).not.toBe(' ');
      expect(lines[2]!.slice(column, column + 1)).not.toBe(' ');
    }
  });

  it('reads a two-column page column by column, under a title that spans both', () => {
    const words = [...line('A Title That Spans The Whole Width Of The Page Above Both Columns', 72, 60, 14)];
    for (let index = 0; index < 12; index += 1) {
      words.push(...line(proseLeft(index), 72, 100 + 12 * index), ...line(proseRight(index), 352, 100 + 12 * index));
    }
    const { text } = layoutPage(words);
    const lines = text.split('\n').filter((value) => value.length > 0);
    expect(lines[0]).toBe('A Title That Spans The Whole Width Of The Page Above Both Columns');
    expect(lines.slice(1, 13)).toEqual(Array.from({ length: 12 }, (_, index) => proseLeft(index)));
    expect(lines.slice(13)).toEqual(Array.from({ length: 12 }, (_, index) => proseRight(index)));
  });

  it('reads a sidebar apart from the text beside it when their lines do not line up', () => {
    const words: LayoutWord[] = [];
    for (let index = 0; index < 10; index += 1) words.push(...line(proseLeft(index), 72, 100 + 12 * index));
    for (let index = 0; index < 6; index += 1) words.push(...line(`Skill ${index}`, 420, 106 + 19 * index));
    const lines = layoutPage(words).text.split('\n').filter((value) => value.length > 0);
    expect(lines.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, index) => proseLeft(index)));
    expect(lines.slice(10)).toEqual(Array.from({ length: 6 }, (_, index) => `Skill ${index}`));
  });

  it('keeps a table whose label column reads like prose as rows', () => {
    const words: LayoutWord[] = [];
    for (let index = 0; index < 8; index += 1) words.push(...row([[`Professional services for project phase ${index}`, 72], [`${index + 1}`, 360], [`${(index + 1) * 100}.00`, 440]], 100 + 12 * index));
    const lines = layoutPage(words).text.split('\n');
    expect(lines).toHaveLength(8);
    expect(lines[3]).toMatch(/^Professional services for project phase 3 {3,}4 {3,}400\.00$/);
  });

  it('keeps label rows with their amounts even when headers and an introduction stand alone on their lines', () => {
    const words: LayoutWord[] = [
      ...line('Funds held for clients have been invested in the', 72, 64),
      ...line('categories below, at cost and at fair value, as', 72, 76),
      ...line('the tables of the prior quarter showed as well:', 72, 88),
      ...row([['(in millions)', 400]], 100),
      ...row([['December 31,', 400], ['June 30,', 480]], 118),
      ...row([['2024', 410], ['2024', 490]], 130),
      ...line('Funds held for clients:', 72, 142),
    ];
    const labels = ['Restricted cash held to satisfy client obligations', 'Restricted short-term securities held for clients', 'Restricted long-term securities held for clients', 'Total funds held for clients'];
    labels.forEach((label, index) => words.push(...row([[label, 72], ['$', 390], [`${14 + index},387.8`, 410], ['$', 470], [`${7 + index},172.6`, 490]], 154 + 12 * index)));
    const lines = layoutPage(words).text.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^Restricted cash held to satisfy client obligations {3,}\$ {3,}14,387\.8 {3,}\$ {3,}7,172\.6$/));
    expect(lines).toContainEqual(expect.stringMatching(/^Total funds held for clients {3,}\$ {3,}17,387\.8 {3,}\$ {3,}10,172\.6$/));
  });

  it('keeps a two-line table header whole rather than reading it as columns', () => {
    const words = [
      ...row([['Standard', 72], ['Description', 160], ['Effective Date', 290]], 100),
      ...line('Effect on Financial Statements or Other', 400, 94),
      ...line('Significant Matters', 400, 106),
      ...row([['ASU 2024-03', 72], ['Improves reporting', 160], ['June 30, 2028', 290], ['The Company is assessing this guidance', 400]], 124),
    ];
    const lines = layoutPage(words).text.split('\n');
    // Read as rows: the header's last cell stays beside its neighbours, on their lines.
    expect(lines).toEqual([
      expect.stringMatching(/^ +Effect on Financial Statements or Other$/),
      expect.stringMatching(/^Standard {3,}Description {3,}Effective Date$/),
      expect.stringMatching(/^ +Significant Matters$/),
      expect.stringMatching(/^ASU 2024-03 {3,}Improves reporting {3,}June 30, 2028 {3,}The Company is assessing this guidance$/),
    ]);
  });

  it('records where each word is in the text and on the page', () => {
    const words = [...line('Invoice number INV-42', 72, 100), ...line('Total 99.50', 72, 114)];
    const page = layoutPage(words);
    expect(page.words.map((word) => page.text.slice(word.start, word.end))).toEqual(['Invoice', 'number', 'INV-42', 'Total', '99.50']);
    const total = page.words[3]!;
    expect(total.box).toEqual([72, 106, 97, 116]);
  });

  it('joins pieces of one word and keeps superscripts on their line', () => {
    const pieces: LayoutWord[] = [
      { text: 'Inv', left: 72, right: 87, top: 92, bottom: 102, size: 10 },
      { text: 'oice', left: 87.2, right: 107, top: 92, bottom: 102, size: 10 },
      { text: 'total', left: 112, right: 137, top: 92, bottom: 102, size: 10 },
      // A footnote mark: smaller, raised.
      { text: '1', left: 137.5, right: 140.5, top: 89, bottom: 95, size: 6 },
    ];
    expect(layoutPage(pieces).text).toBe('Invoice total1');
  });

  it('drops a word printed twice at the same place (fake bold)', () => {
    const words = [...line('Bold heading', 72, 100), ...line('Bold heading', 72.3, 100)];
    expect(layoutPage(words).text).toBe('Bold heading');
  });

  it('writes rotated text after the page body', () => {
    const sideways = [[{ text: 'arXiv:2401.00001', left: 20, right: 30, top: 200, bottom: 400, size: 10 }]];
    expect(layoutPage(line('Body text here', 72, 100), sideways).text).toBe('Body text here\n\narXiv:2401.00001');
  });

  it('marks a wide vertical gap as a paragraph break', () => {
    const words = [...line('First paragraph', 72, 100), ...line('Second paragraph', 72, 130)];
    expect(layoutPage(words).text).toBe('First paragraph\n\nSecond paragraph');
  });
});
