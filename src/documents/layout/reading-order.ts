import { toLine, type LayoutWord, type TextLine } from './text-lines.ts';

/**
 * A gutter is a vertical strip of empty page at least this many ems wide. Word spaces, even in
 * justified text, stay well under one em; the gap between two columns of a paper or of a table is
 * wider.
 */
export const GUTTER_EM = 1.0;
/** Columns are runs of text: a side with fewer lines is a cell or a heading (a two-line table header). */
const MIN_COLUMN_LINES = 3;
/** A side of a gutter reads as running text when its lines hold this many words on average… */
const PROSE_WORDS_PER_LINE = 4;
/** …and few of them have column gaps inside (a figure or a small table inside a column may). */
const MAX_TABULAR_SHARE_OF_PROSE = 0.2;
/**
 * A table's short column shares nearly every line with its labels; a sidebar's lines meet the
 * text's only by chance. Below this share of the shorter side's lines sharing a line with the
 * other side, the two are not one table.
 */
const MAX_ALIGNED_SHARE_FOR_SIDEBAR = 0.6;
/** A side whose words are mostly figures ("$", "14,387.8", "2024", "—") is a table's value columns, not a sidebar. */
const MAX_FIGURE_SHARE_FOR_SIDEBAR = 0.5;

/** Lines in reading order; `breakBefore` marks where a new column or block starts. */
export interface OrderedLine {
  line: TextLine;
  breakBefore: boolean;
  /** The left edge of the column or page the line is read in: where a table's columns are measured from. */
  origin: number;
}

interface Interval {
  left: number;
  right: number;
}

interface Band {
  first: number;
  last: number;
  gutter: Interval;
}

/**
 * Puts a page's lines (sorted top to bottom) in reading order. Lines stay whole — so a table row
 * `Description   Qty   Amount` stays one line — unless a run of lines shares a gutter that
 * separates two columns of text: then the lines left of it are read first, then those right of it,
 * each side ordered the same way again (three columns, a table inside a column).
 *
 * Telling text columns from table columns: both sides of a paper's gutter hold running text
 * (several words a line, no column gaps inside); a sidebar beside running text has short lines
 * that mostly do not line up with the text's; a table's cells line up row by row, and a column of
 * figures is a table's, so a table keeps its rows. Each side needs three lines or more.
 */
export function readingOrder(lines: readonly TextLine[]): OrderedLine[] {
  const origin = Math.min(...lines.map((line) => line.words[0]!.left));
  const ordered: OrderedLine[] = [];
  let index = 0;
  let breakNext = false;
  const take = (line: TextLine) => {
    ordered.push({ line, breakBefore: breakNext, origin });
    breakNext = false;
  };
  for (const band of columnBands(lines)) {
    for (; index < band.first; index += 1) take(lines[index]!);
    const left: LayoutWord[][] = [];
    const right: LayoutWord[][] = [];
    for (let member = band.first; member <= band.last; member += 1) {
      const words = lines[member]!.words;
      const leftWords = words.filter((word) => word.right <= band.gutter.left);
      const rightWords = words.filter((word) => word.left >= band.gutter.right);
      if (leftWords.length > 0) left.push(leftWords);
      if (rightWords.length > 0) right.push(rightWords);
    }
    for (const side of [left, right]) {
      breakNext = true;
      for (const entry of readingOrder(side.map((words) => toLine(words)))) {
        ordered.push({ ...entry, breakBefore: breakNext || entry.breakBefore });
        breakNext = false;
      }
    }
    breakNext = true;
    index = band.last + 1;
  }
  for (; index < lines.length; index += 1) take(lines[index]!);
  return ordered;
}

/** The runs of lines read as columns: accepted bands that share no line, top to bottom. */
function columnBands(lines: readonly TextLine[]): Band[] {
  const grown: Band[] = [];
  const accepted: Band[] = [];
  lines.forEach((line, index) => {
    for (const gap of wideGaps(line)) {
      // A gap inside a gutter already grown from another line is the same gutter.
      if (grown.some((band) => band.first <= index && index <= band.last && overlaps(band.gutter, gap))) continue;
      const band = growBand(lines, index, gap);
      grown.push(band);
      if (readsAsColumns(lines, band)) accepted.push(band);
    }
  });
  // The tallest bands first; a wider gutter wins between bands of the same lines.
  accepted.sort((a, b) => b.last - b.first - (a.last - a.first) || width(b.gutter) - width(a.gutter));
  const chosen: Band[] = [];
  for (const band of accepted) {
    if (!chosen.some((other) => band.first <= other.last && other.first <= band.last)) chosen.push(band);
  }
  return chosen.sort((a, b) => a.first - b.first);
}

/** The gaps between neighbouring words of a line that are wide enough to be a gutter. */
function wideGaps(line: TextLine): Interval[] {
  const gaps: Interval[] = [];
  for (let index = 1; index < line.words.length; index += 1) {
    const gap = { left: line.words[index - 1]!.right, right: line.words[index]!.left };
    if (width(gap) >= GUTTER_EM * line.size) gaps.push(gap);
  }
  return gaps;
}

/**
 * Extends a line's gap up and down through every line that leaves part of it empty, narrowing it
 * to the part they all leave empty, until a line crosses it or it becomes too narrow.
 */
function growBand(lines: readonly TextLine[], start: number, gap: Interval): Band {
  const minimum = GUTTER_EM * lines[start]!.size;
  let gutter = gap;
  let first = start;
  let last = start;
  for (const step of [-1, 1]) {
    for (let index = start + step; index >= 0 && index < lines.length; index += step) {
      const narrowed = narrow(gutter, lines[index]!);
      if (!narrowed || width(narrowed) < minimum) break;
      gutter = narrowed;
      if (step < 0) first = index;
      else last = index;
    }
  }
  return { first, last, gutter };
}

/** The widest part of `gutter` that no word of the line covers. */
function narrow(gutter: Interval, line: TextLine): Interval | undefined {
  let pieces: Interval[] = [gutter];
  for (const word of line.words) {
    if (word.right <= gutter.left || word.left >= gutter.right) continue;
    pieces = pieces.flatMap((piece) =>
      [
        { left: piece.left, right: Math.min(piece.right, word.left) },
        { left: Math.max(piece.left, word.right), right: piece.right },
      ].filter((part) => width(part) > 0),
    );
  }
  return pieces.sort((a, b) => width(b) - width(a))[0];
}

function readsAsColumns(lines: readonly TextLine[], band: Band): boolean {
  const left: Side = { lines: 0, words: 0, tabular: 0, figures: 0 };
  const right: Side = { lines: 0, words: 0, tabular: 0, figures: 0 };
  let both = 0;
  for (let index = band.first; index <= band.last; index += 1) {
    const line = lines[index]!;
    const leftWords = line.words.filter((word) => word.right <= band.gutter.left);
    const rightWords = line.words.filter((word) => word.left >= band.gutter.right);
    count(left, leftWords, line.size);
    count(right, rightWords, line.size);
    if (leftWords.length > 0 && rightWords.length > 0) both += 1;
  }
  if (left.lines < MIN_COLUMN_LINES || right.lines < MIN_COLUMN_LINES) return false;
  if (isProse(left) && isProse(right)) return true;
  const alignedShare = both / Math.min(left.lines, right.lines);
  if (alignedShare >= MAX_ALIGNED_SHARE_FOR_SIDEBAR) return false;
  if (isProse(left)) return !isProse(right) && right.figures <= MAX_FIGURE_SHARE_FOR_SIDEBAR * right.words;
  return isProse(right) && left.figures <= MAX_FIGURE_SHARE_FOR_SIDEBAR * left.words;
}

interface Side {
  lines: number;
  words: number;
  /** Lines with a column gap inside them: table rows, not running text. */
  tabular: number;
  /** Words that are numbers, amounts or the dashes tables put for none. */
  figures: number;
}

function count(side: Side, words: readonly LayoutWord[], size: number): void {
  if (words.length === 0) return;
  side.lines += 1;
  side.words += words.length;
  side.figures += words.filter((word) => /^[-–—$€£¥%()]*\d|^[-–—$€£¥%]+$/.test(word.text)).length;
  // The gap after a bullet or an item number ("•", "1.", "(a)") is indentation, not a column.
  const gaps = words.slice(1).filter((word, index) => word.left - words[index]!.right >= GUTTER_EM * size && !(index === 0 && words[0]!.text.length <= 3));
  if (gaps.length > 0) side.tabular += 1;
}

function isProse(side: Side): boolean {
  return side.words / side.lines >= PROSE_WORDS_PER_LINE && side.tabular <= MAX_TABULAR_SHARE_OF_PROSE * side.lines;
}

function overlaps(a: Interval, b: Interval): boolean {
  return a.left < b.right && b.left < a.right;
}

function width(interval: Interval): number {
  return interval.right - interval.left;
}
