import { isPointerWithin, parsePointer } from '../../contract/schema/json-pointer.ts';
import { valueLeaves } from '../../contract/schema/leaves.ts';
import type { ObjectNode } from '../../contract/schema/schema-node.ts';

/**
 * Pointers a model writes in its answer (confidence per value, verdicts, disputes), made usable:
 * written loosely ("line_items/0/amount" without its slash), in wire form (translated to data
 * pointers), and about a value or about a container (a row's pointer covers every value in it; the
 * most specific pointer wins).
 */

/** A model's pointer as a JSON Pointer: a missing leading slash is added, nothing else is guessed. */
export function tidyPointer(pointer: string): string | undefined {
  const trimmed = pointer.trim();
  const candidate = trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  try {
    parsePointer(candidate);
    return candidate;
  } catch {
    return undefined;
  }
}

/**
 * The data pointer of a wire pointer: the translation of its longest known prefix (decoding records
 * every node it visits) followed by the rest unchanged; undefined when not even the root is known.
 */
export function toDataPointer(pointers: ReadonlyMap<string, string>, wirePointer: string): string | undefined {
  const segments = wirePointer === '' ? [] : wirePointer.split('/').slice(1);
  for (let length = segments.length; length >= 0; length -= 1) {
    const prefix = segments.slice(0, length).map((segment) => `/${segment}`).join('');
    const known = pointers.get(prefix);
    if (known !== undefined) return known + segments.slice(length).map((segment) => `/${segment}`).join('');
  }
  return undefined;
}

/**
 * For every value (leaf) of `data`: the entry of the most specific pointer that covers it, or
 * `fallback` when none does. `entries` are keyed by data pointers.
 */
export function perLeaf<T>(root: ObjectNode, data: unknown, entries: ReadonlyMap<string, T>, fallback: (pointer: string) => T | undefined): Map<string, T> {
  const result = new Map<string, T>();
  const byLength = [...entries.keys()].sort((a, b) => b.length - a.length);
  for (const leaf of valueLeaves(root, data)) {
    const covering = byLength.find((pointer) => isPointerWithin(leaf.pointer, pointer));
    const value = covering === undefined ? fallback(leaf.pointer) : entries.get(covering);
    if (value !== undefined) result.set(leaf.pointer, value);
  }
  return result;
}
