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
  const folded: string[] = [];
  const origin: number[] = [];
  let pendingSpace = -1;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!;
    if (/\s/.test(character)) {
      if (pendingSpace < 0) pendingSpace = index;
      continue;
    }
    if ((character === '-' || character === '‐') && isLetter(text[index - 1]) && /^-?[ \t]*\n\s*\p{Ll}/u.test(text.slice(index, index + 40))) {
      // A word broken across lines: skip the hyphen and the line end that follows it.
      while (index + 1 < text.length && /\s/.test(text[index + 1]!)) index += 1;
      continue;
    }
    if (pendingSpace >= 0 && folded.length > 0) {
      folded.push(' ');
      origin.push(pendingSpace);
    }
    pendingSpace = -1;
    for (const piece of foldCharacter(character)) {
      folded.push(piece);
      origin.push(index);
    }
  }
  origin.push(text.length);
  return { folded: folded.join(''), origin: Int32Array.from(origin) };
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

function isLetter(character: string | undefined): boolean {
  return character !== undefined && /\p{L}/u.test(character);
}

export function isWordCharacter(character: string | undefined): boolean {
  return character !== undefined && /[\p{L}\p{N}]/u.test(character);
}
