/**
 * JSON Pointers (RFC 6901) over plain JSON values: `/line_items/2/amount`. A segment escapes `~` as
 * `~0` and `/` as `~1` (in that order when escaping, the reverse when reading, so `~01` reads `~1`).
 * The empty pointer `""` is the whole document. Schema paths use the same syntax with `*` for "any
 * index or key" (a key that is literally `*` cannot be told apart there; data pointers never have
 * wildcards).
 */

export const WILDCARD = '*';

export function escapeSegment(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

export function unescapeSegment(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

export class InvalidPointerError extends Error {
  constructor(pointer: string, reason: string) {
    super(`invalid JSON Pointer ${JSON.stringify(pointer)}: ${reason}`);
    this.name = 'InvalidPointerError';
  }
}

/** The unescaped segments of a pointer; throws `InvalidPointerError` on a malformed one. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new InvalidPointerError(pointer, 'it must be empty or start with "/"');
  if (/~[^01]|~$/.test(pointer)) throw new InvalidPointerError(pointer, '"~" must be followed by 0 or 1');
  return pointer.slice(1).split('/').map(unescapeSegment);
}

export function formatPointer(segments: ReadonlyArray<string | number>): string {
  return segments.map((segment) => `/${escapeSegment(String(segment))}`).join('');
}

/** `child("/a", 2)` is `/a/2`. */
export function childPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${escapeSegment(String(segment))}`;
}

const ARRAY_INDEX = /^(0|[1-9]\d*)$/;

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

/** The value at `pointer`, or `undefined` when any step is missing. */
export function getAt(document: unknown, pointer: string): unknown {
  let current = document;
  for (const segment of parsePointer(pointer)) {
    if (Array.isArray(current)) {
      if (!ARRAY_INDEX.test(segment)) return undefined;
      current = current[Number(segment)];
    } else if (isContainer(current)) {
      current = Object.hasOwn(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * A copy of `document` with `value` at `pointer`. Missing objects on the way are created (an array
 * when the next segment is an index, an object otherwise); an array index may be its length (append)
 * or any smaller index. The input is never modified, so callers can keep the previous version.
 */
export function setAt(document: unknown, pointer: string, value: unknown): unknown {
  return setSegments(document, parsePointer(pointer), value, pointer);
}

function setSegments(current: unknown, segments: readonly string[], value: unknown, pointer: string): unknown {
  const [head, ...rest] = segments;
  if (head === undefined) return value;
  if (Array.isArray(current) || (current == null && ARRAY_INDEX.test(head))) {
    const array = Array.isArray(current) ? [...(current as unknown[])] : [];
    if (!ARRAY_INDEX.test(head)) throw new InvalidPointerError(pointer, `"${head}" is not an array index`);
    const index = Number(head);
    if (index > array.length) throw new InvalidPointerError(pointer, `index ${index} is past the end of the array`);
    array[index] = setSegments(array[index], rest, value, pointer);
    return array;
  }
  if (current != null && !isContainer(current)) {
    throw new InvalidPointerError(pointer, `"${head}" steps into a ${typeof current}`);
  }
  const object: Record<string, unknown> = { ...(current as Record<string, unknown> | null | undefined) };
  object[head] = setSegments(object[head], rest, value, pointer);
  return object;
}

/** Whether `pattern` (with `*` segments) matches the data pointer `pointer` segment by segment. */
export function pointerMatches(pattern: string, pointer: string): boolean {
  const wanted = parsePointer(pattern);
  const actual = parsePointer(pointer);
  return wanted.length === actual.length && wanted.every((segment, index) => segment === WILDCARD || segment === actual[index]);
}

/** Whether `ancestor` is `pointer` itself or one of its ancestors (`/a` of `/a/b`, `""` of all). */
export function isPointerWithin(pointer: string, ancestor: string): boolean {
  return pointer === ancestor || pointer.startsWith(`${ancestor}/`);
}

/** A correction's or dispute's key as a pointer: a name without a leading "/" is a flat schema's field. */
export function correctionPointer(key: string): string {
  return key.startsWith('/') ? key : childPointer('', key);
}

/** Whether `pointer` names a place of the schema, given its paths (`schemaPaths` in leaves.ts). */
export function isSchemaPath(paths: readonly string[], pointer: string): boolean {
  try {
    parsePointer(pointer);
  } catch {
    return false;
  }
  return paths.some((pattern) => pointerMatches(pattern, pointer));
}
