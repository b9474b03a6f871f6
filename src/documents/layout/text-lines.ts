/**
 * A word or a piece of one, placed on its page: the input of the layout, from a PDF's text layer or
 * from OCR. Coordinates are the page's, origin top-left, y growing downwards.
 */
export interface LayoutWord {
  text: string;
  left: number;
  right: number;
  top: number;
  bottom: number;
  /** The font size (em height) the text is drawn at; for OCR, the height of its text line. */
  size: number;
  confidence?: number;
}

export interface TextLine {
  /** Left to right. */
  words: LayoutWord[];
  top: number;
  bottom: number;
  /** The median size of its words: the unit of every gap measured on the line. */
  size: number;
}

/** Pieces closer than this (in ems) are one word: pdf.js splits words at kerning and font changes. */
const JOIN_GAP_EM = 0.12;
/** Bottoms this many ems apart are one baseline (OCR's line boxes differ by a descender). */
const BASELINE_TOLERANCE_EM = 0.3;
/** Type this much smaller than the line's is a superscript or subscript of it. */
const SMALLER_TYPE = 0.85;
/** A word belongs to a line when it shares at least this much of the smaller height with it. */
const MIN_VERTICAL_OVERLAP = 0.5;

/**
 * Groups placed words into lines. A word joins the line whose reference box it overlaps most
 * vertically (superscripts and mixed sizes stay on their line), never by chaining overlaps, so two
 * columns whose baselines drift apart do not merge into one tall line; a word that would sit on top
 * of another word of the line starts a new line instead. Pieces of one word are joined.
 */
export function groupLines(words: readonly LayoutWord[]): TextLine[] {
  const sorted = withoutOverprint(words.filter((word) => word.right > word.left && word.bottom > word.top));
  const open: { ref: LayoutWord; words: LayoutWord[] }[] = [];
  const closed: { ref: LayoutWord; words: LayoutWord[] }[] = [];
  for (const word of sorted) {
    // Lines are visited in order of their bottoms, so one whose reference ends above this word's
    // top can take no later word either.
    for (let index = open.length - 1; index >= 0; index -= 1) {
      if (open[index]!.ref.bottom < word.top) closed.push(...open.splice(index, 1));
    }
    let best: (typeof open)[number] | undefined;
    let bestOverlap = 0;
    for (const line of open) {
      const overlap = verticalOverlap(word, line.ref) / Math.min(height(word), height(line.ref));
      if (overlap >= MIN_VERTICAL_OVERLAP && overlap > bestOverlap && sharesBaseline(word, line.ref) && !collides(word, line.words)) {
        best = line;
        bestOverlap = overlap;
      }
    }
    if (best) {
      best.words.push(word);
      if (word.size > best.ref.size) best.ref = word;
    } else {
      open.push({ ref: word, words: [word] });
    }
  }
  closed.push(...open);
  return closed.map((line) => toLine(line.words)).sort((a, b) => a.bottom - b.bottom || a.words[0]!.left - b.words[0]!.left);
}

/**
 * Drops words drawn twice at (almost) the same place: some PDFs fake bold type by printing a word
 * again a fraction of a point to the side, which would otherwise read as a doubled line.
 */
function withoutOverprint(words: LayoutWord[]): LayoutWord[] {
  const sorted = [...words].sort((a, b) => a.bottom - b.bottom || a.left - b.left);
  const kept: LayoutWord[] = [];
  const recent = new Map<string, LayoutWord[]>();
  for (const word of sorted) {
    const near = recent.get(word.text)?.some((other) => Math.abs(other.left - word.left) < 0.2 * word.size && Math.abs(other.bottom - word.bottom) < 0.2 * word.size);
    if (near) continue;
    kept.push(word);
    recent.set(word.text, [...(recent.get(word.text) ?? []), word]);
  }
  return kept;
}

/** A line made of some of another line's words (a column's share of it). */
export function toLine(words: readonly LayoutWord[]): TextLine {
  const joined = joinPieces([...words].sort((a, b) => a.left - b.left));
  const sizes = joined.map((word) => word.size).sort((a, b) => a - b);
  return {
    words: joined,
    top: Math.min(...joined.map((word) => word.top)),
    bottom: Math.max(...joined.map((word) => word.bottom)),
    size: sizes[Math.floor(sizes.length / 2)]!,
  };
}

function joinPieces(words: LayoutWord[]): LayoutWord[] {
  const joined: LayoutWord[] = [];
  for (const word of words) {
    const previous = joined.at(-1);
    if (previous && word.left - previous.right < JOIN_GAP_EM * Math.min(previous.size, word.size)) {
      const confidence = minimum(previous.confidence, word.confidence);
      joined[joined.length - 1] = {
        text: previous.text + word.text,
        left: previous.left,
        right: Math.max(previous.right, word.right),
        top: Math.min(previous.top, word.top),
        bottom: Math.max(previous.bottom, word.bottom),
        size: Math.max(previous.size, word.size),
        ...(confidence === undefined ? {} : { confidence }),
      };
    } else {
      joined.push(word);
    }
  }
  return joined;
}

function minimum(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/**
 * Words of one size share a line only when their bottoms (baselines) nearly agree: half-overlapping
 * boxes alone would pair the lines of two columns set at different line pitches. Smaller type
 * (superscripts, footnote marks, subscripts) joins by overlap alone.
 */
function sharesBaseline(word: LayoutWord, ref: LayoutWord): boolean {
  if (word.size < SMALLER_TYPE * ref.size || ref.size < SMALLER_TYPE * word.size) return true;
  return Math.abs(word.bottom - ref.bottom) <= BASELINE_TOLERANCE_EM * Math.max(word.size, ref.size);
}

function collides(word: LayoutWord, others: readonly LayoutWord[]): boolean {
  return others.some((other) => {
    const overlap = Math.min(word.right, other.right) - Math.max(word.left, other.left);
    return overlap > 0.5 * Math.min(word.right - word.left, other.right - other.left);
  });
}

function verticalOverlap(a: LayoutWord, b: LayoutWord): number {
  return Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
}

function height(word: LayoutWord): number {
  return word.bottom - word.top;
}
