/**
 * Advance widths of Helvetica's printable ASCII characters (space to tilde), in thousandths of an
 * em, from Adobe's Helvetica AFM. pdf.js reports one width per text run, not per glyph; these
 * widths split a run among its words in proportion to their letters, which for proportional fonts
 * lands word boxes within a point or two, where an equal share per character can be several off
 * (an "i" is a quarter of an "m").
 */
const HELVETICA_ASCII = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
  1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
  333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
/** Characters outside ASCII (accented letters, CJK, symbols) count as an average letter. */
const OTHER = 556;

/**
 * The offset of each character boundary of `text` as a share of the whole run, 0 to 1:
 * `boundaries[i]` is where character `i` starts. A monospaced font gets equal shares.
 */
export function characterBoundaries(text: string, monospace: boolean): number[] {
  const widths = [...text].flatMap((character) => {
    const width = monospace ? 1 : (HELVETICA_ASCII[(character.codePointAt(0) ?? 0) - 32] ?? OTHER);
    // Characters outside the Basic Multilingual Plane are two UTF-16 units: give the width to the first.
    return character.length === 2 ? [width, 0] : [width];
  });
  const total = widths.reduce((sum, width) => sum + width, 0) || 1;
  const boundaries = [0];
  let running = 0;
  for (const width of widths) {
    running += width;
    boundaries.push(running / total);
  }
  return boundaries;
}
