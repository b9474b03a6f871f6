export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What extraction returned for one chunk: the schema's shape, and its confidence per leaf by JSON Pointer. */
export interface ChunkResult {
  chunk: number;
  data: JsonValue;
  /** `{"/invoice_number": 0.92, "/line_items/0/amount": 0.8}`; a leaf without one counts as unrated. */
  confidence?: Readonly<Record<string, number>>;
}

export interface MergedField {
  value: JsonValue;
  /** The highest confidence any chunk that gave this value had in it; null when none rated it. */
  confidence: number | null;
  /** The chunk the value is taken from, and every chunk that gave the same value. */
  chunk: number;
  chunks: number[];
  /** Other values chunks gave for this leaf, most supported first: a disagreement validation or review should see. */
  conflicts?: { value: JsonValue; chunks: number[]; confidence: number | null }[];
}

export interface MergedResult {
  data: JsonValue;
  /** Every non-null leaf of `data`, by its JSON Pointer in `data`. */
  fields: Record<string, MergedField>;
}

interface Entry {
  chunk: number;
  /** Where the value stands in its chunk's own result. */
  pointer: string;
  value: JsonValue;
}

/**
 * Merges per-chunk extraction results into one, path by path, as plain JSON. Objects merge key by
 * key. Arrays are concatenated in chunk order without duplicates — an item seen in two overlapping
 * chunks is kept once, and an item whose every filled field agrees with a fuller one (a row cut at a
 * page break) gives way to it. A scalar takes the value most chunks agree on, then the one with the
 * highest confidence, then the earliest chunk's; chunks that found nothing (null) do not vote.
 */
export function mergeChunkResults(results: readonly ChunkResult[]): MergedResult {
  const confidence = new Map(results.map((result) => [result.chunk, result.confidence ?? {}]));
  const fields: Record<string, MergedField> = {};
  const rate = (entry: Entry) => confidence.get(entry.chunk)?.[entry.pointer] ?? null;

  const merge = (pointer: string, entries: Entry[]): JsonValue => {
    const present = entries.filter((entry) => entry.value !== null && entry.value !== undefined);
    if (present.length === 0) return null;
    if (present.every((entry) => isObject(entry.value))) {
      const keys = [...new Set(present.flatMap((entry) => Object.keys(entry.value as object)))];
      return Object.fromEntries(
        keys.map((key) => [key, merge(`${pointer}/${escape(key)}`, present.map((entry) => child(entry, key)))]),
      );
    }
    if (present.every((entry) => Array.isArray(entry.value))) {
      const items = present.flatMap((entry) => (entry.value as JsonValue[]).map((value, index) => child(entry, index, value)));
      return distinctItems(items).map((group, index) => merge(`${pointer}/${index}`, group));
    }
    return vote(pointer, present);
  };

  const vote = (pointer: string, entries: Entry[]): JsonValue => {
    const groups = new Map<string, Entry[]>();
    for (const entry of entries) groups.set(sameness(entry.value), [...(groups.get(sameness(entry.value)) ?? []), entry]);
    const ranked = [...groups.values()]
      .map((group) => ({ group, best: maxRated(group, rate) }))
      .sort((a, b) => b.group.length - a.group.length || (b.best.rating ?? -1) - (a.best.rating ?? -1) || a.group[0]!.chunk - b.group[0]!.chunk);
    const [winner, ...others] = ranked;
    const field: MergedField = {
      value: winner!.best.entry.value,
      confidence: winner!.best.rating,
      chunk: winner!.best.entry.chunk,
      chunks: chunksOf(winner!.group),
    };
    if (others.length > 0) field.conflicts = others.map(({ group, best }) => ({ value: best.entry.value, chunks: chunksOf(group), confidence: best.rating }));
    fields[pointer] = field;
    return field.value;
  };

  const merged = merge('', results.map((result) => ({ chunk: result.chunk, pointer: '', value: result.data })));
  return { data: merged, fields };
}

/**
 * Array items grouped by identity across chunks: an item equal to one from another chunk is the
 * same item seen twice in the overlap, and an item all of whose filled leaves agree with a fuller
 * one's (a row cut at a page break) is that item too; the fullest comes first. Items of one chunk
 * never merge with each other — an invoice may list the same row twice — and a group takes at most
 * one item from each chunk.
 */
function distinctItems(items: Entry[]): Entry[][] {
  const groups: Entry[][] = [];
  for (const item of items) {
    const leaves = filledLeaves(item.value);
    const same = groups.find((group) => {
      if (group.some((member) => member.chunk === item.chunk)) return false;
      const other = filledLeaves(group[0]!.value);
      return covers(other, leaves) || covers(leaves, other);
    });
    if (!same) groups.push([item]);
    else if (leaves.size > filledLeaves(same[0]!.value).size) same.unshift(item);
    else same.push(item);
  }
  return groups;
}

/** Whether every leaf of `part` is in `whole` with the same value. */
function covers(whole: Map<string, string>, part: Map<string, string>): boolean {
  if (part.size === 0) return whole.size === 0;
  for (const [pointer, value] of part) if (whole.get(pointer) !== value) return false;
  return true;
}

function filledLeaves(value: JsonValue, pointer = '', into = new Map<string, string>()): Map<string, string> {
  if (value === null || value === undefined) return into;
  if (Array.isArray(value)) value.forEach((item, index) => filledLeaves(item, `${pointer}/${index}`, into));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) filledLeaves(item, `${pointer}/${escape(key)}`, into);
  else into.set(pointer, sameness(value));
  return into;
}

/** Values that say the same thing compare equal: text by its words, numbers by value. */
function sameness(value: JsonValue): string {
  if (typeof value === 'string') return `s:${value.trim().replace(/\s+/g, ' ').toLowerCase()}`;
  if (typeof value === 'number') return `n:${Number(value.toPrecision(12))}`;
  return `j:${JSON.stringify(value)}`;
}

function maxRated(group: Entry[], rate: (entry: Entry) => number | null): { entry: Entry; rating: number | null } {
  let best = { entry: group[0]!, rating: rate(group[0]!) };
  for (const entry of group.slice(1)) {
    const rating = rate(entry);
    if (rating !== null && (best.rating === null || rating > best.rating)) best = { entry, rating };
  }
  return best;
}

function chunksOf(group: Entry[]): number[] {
  return [...new Set(group.map((entry) => entry.chunk))].sort((a, b) => a - b);
}

function child(entry: Entry, key: string | number, value?: JsonValue): Entry {
  const item = value !== undefined ? value : ((entry.value as Record<string, JsonValue>)[key as string] ?? null);
  return { chunk: entry.chunk, pointer: `${entry.pointer}/${escape(String(key))}`, value: item };
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON Pointer reference token (RFC 6901): `~` and `/` escaped. */
function escape(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
