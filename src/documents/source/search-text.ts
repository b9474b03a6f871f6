/**
 * Text folded for searching, with the way back to the original: case, accents, ligatures, curly
 * quotes and dash variants folded; every run of whitespace (line ends and column padding included)
 * one space; a hyphen that breaks a word at a line end removed ("halluci-\nnation" reads
 * "hallucination"). `origin[i]` is the offset in the original text of folded character `i`, and
 * `origin[folded.length]` the original length, so a folded match `[s, e)` is `[origin[s],
 * origin[e - 1] + 1)` in the original.
 */
export interface SearchText {
  folded: string;
  origin: Int32Array;
}

const QUOTES: Record<string, string> = { '‘': "'", '’': "'", '‚': "'", '′': "'", '“': '"', '”': '"', '„': '"', '″': '"' };
const DASHES = new Set(['‐', '‑', '‒', '–', '—', '―', '−']);

export function searchText(text: string): SearchText {
  const parts: string[] = [];
  let origin: Int32Array<ArrayBuffer> = new Int32Array(text.length + 16);
  let length = 0;
  const emit = (piece: string, at: number) => {
    if (length + piece.length >= origin.length) origin = grow(origin, length + piece.length + 1);
    for (let offset = 0; offset < piece.length; offset += 1) origin[length + offset] = at;
    parts.push(piece);
    length += piece.length;
  };
  let pendingSpace = -1;
  for (const match of text.matchAll(/\S+/g)) {
    let run = match[0];
    const start = match.index;
    const after = text.slice(start + run.length, start + run.length + 40);
    // A word broken across lines ("halluci-" then "nation"): drop the hyphen and the line end.
    const broken = run.length > 1 && /\p{L}[-‐]$/u.test(run) && /^[ \t]*\n\s*\p{Ll}/u.test(after);
    if (broken) run = run.slice(0, -1);
    if (pendingSpace >= 0 && length > 0) emit(' ', pendingSpace);
    if (/^[\x21-\x7e]+$/.test(run)) {
      // Printable ASCII folds to itself in lower case, one character for one.
      if (length + run.length >= origin.length) origin = grow(origin, length + run.length + 1);
      for (let offset = 0; offset < run.length; offset += 1) origin[length + offset] = start + offset;
      parts.push(run.toLowerCase());
      length += run.length;
    } else {
      let offset = 0;
      for (const character of run) {
        emit(foldCharacter(character), start + offset);
        offset += character.length;
      }
    }
    // The whitespace after this run becomes one space before the next, unless the run was broken.
    pendingSpace = broken ? -1 : start + match[0].length;
  }
  if (length + 1 >= origin.length) origin = grow(origin, length + 1);
  origin[length] = text.length;
  return { folded: parts.join(''), origin: origin.slice(0, length + 1) };
}

function grow(array: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(needed, array.length * 2));
  bigger.set(array);
  return bigger;
}

/** The same folding without the offsets: for the values searched for. */
export function foldText(text: string): string {
  return searchText(text).folded;
}

const cache = new Map<string, string>();

/** One character folded to zero or more: lower case, no accents, ligatures spelled out. */
function foldCharacter(character: string): string {
  if (character.charCodeAt(0) < 0x80) return character.toLowerCase();
  const cached = cache.get(character);
  if (cached !== undefined) return cached;
  let folded = QUOTES[character] ?? (DASHES.has(character) ? '-' : undefined);
  folded ??= character
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
  cache.set(character, folded);
  return folded;
}

export function isWordCharacter(character: string | undefined): boolean {
  return character !== undefined && /[\p{L}\p{N}]/u.test(character);
}
