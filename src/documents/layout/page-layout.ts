import type { Box, PageWord } from '../document-page.ts';
import { GUTTER_EM, readingOrder } from './reading-order.ts';
import { groupLines, toLine, type LayoutWord, type TextLine } from './text-lines.ts';

/** A vertical gap between two lines wider than this (in ems) ends a paragraph: it becomes a blank line. */
const PARAGRAPH_GAP_EM = 0.9;
/** A line whose first word starts this many ems right of its column's edge keeps its indentation. */
const INDENT_EM = 3;
/** Columns of a row are kept apart by at least this many spaces, so `Qty   Amount` never reads as one phrase. */
const MIN_COLUMN_SPACES = 3;

export interface LaidOutPage {
  text: string;
  words: PageWord[];
}

/**
 * Writes a page's placed words as text in reading order (see `readingOrder`), recording where each
 * word landed in the text. Words of a row that stand a column gap apart are padded to their column,
 * measured in the page's average character width, so the columns of a table line up from row to
 * row. `sideways` holds lines of rotated text (margin notes, axis labels): each is written after the
 * page's body, since it has no place in the flow of horizontal lines.
 */
export function layoutPage(words: readonly LayoutWord[], sideways: readonly (readonly LayoutWord[])[] = []): LaidOutPage {
  const charWidth = averageCharWidth(words);
  const out = new PageWriter();
  let previous: TextLine | undefined;
  for (const { line, breakBefore, origin } of readingOrder(groupLines(words))) {
    const paragraphGap = previous !== undefined && line.top - previous.bottom > PARAGRAPH_GAP_EM * Math.max(line.size, previous.size);
    out.newLine(breakBefore || paragraphGap);
    writeLine(out, line, origin, charWidth);
    previous = line;
  }
  const sidewaysLines = sideways.filter((line) => line.length > 0);
  sidewaysLines.forEach((line, index) => {
    out.newLine(index === 0);
    writeLine(out, toLine(line), line[0]!.left, charWidth);
  });
  return { text: out.text, words: out.words };
}

function writeLine(out: PageWriter, line: TextLine, origin: number, charWidth: number): void {
  const lineStart = out.position;
  const padTo = (left: number, minimum: number) => {
    const column = Math.round((left - origin) / charWidth);
    out.space(Math.max(minimum, column - (out.position - lineStart)));
  };
  line.words.forEach((word, index) => {
    if (index === 0) {
      // A line that starts far right of its column's edge is a table row with empty first cells
      // (or a centred heading): keep it under its column. A paragraph's indent is dropped.
      if (word.left - origin >= INDENT_EM * line.size) padTo(word.left, 0);
    } else if (word.left - line.words[index - 1]!.right >= GUTTER_EM * line.size) {
      padTo(word.left, MIN_COLUMN_SPACES);
    } else {
      out.space(1);
    }
    out.word(word);
  });
}

class PageWriter {
  private parts: string[] = [];
  private length = 0;
  readonly words: PageWord[] = [];

  get position(): number {
    return this.length;
  }

  get text(): string {
    const text = this.parts.join('');
    this.parts = [text];
    return text;
  }

  newLine(blank: boolean): void {
    if (this.length === 0) return;
    this.append(blank ? '\n\n' : '\n');
  }

  space(count: number): void {
    this.append(' '.repeat(count));
  }

  word(word: LayoutWord): void {
    const start = this.length;
    this.append(word.text);
    const entry: PageWord = { start, end: this.length, box: roundBox([word.left, word.top, word.right, word.bottom]) };
    if (word.confidence !== undefined) entry.confidence = Math.round(word.confidence * 10) / 10;
    this.words.push(entry);
  }

  private append(text: string): void {
    this.parts.push(text);
    this.length += text.length;
  }
}

/** The median width of a character on the page: what one space of padding stands for. */
function averageCharWidth(words: readonly LayoutWord[]): number {
  const widths = words.filter((word) => word.text.length > 0).map((word) => (word.right - word.left) / word.text.length).sort((a, b) => a - b);
  return widths[Math.floor(widths.length / 2)] ?? 1;
}

function roundBox(box: Box): Box {
  return box.map((value) => Math.round(value * 100) / 100) as Box;
}
