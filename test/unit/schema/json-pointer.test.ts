import { describe, expect, it } from 'vitest';
import { InvalidPointerError, formatPointer, getAt, parsePointer, pointerMatches, setAt } from '../../../src/contract/schema/json-pointer.ts';

// The example document and pointers of RFC 6901, section 5.
const rfcDocument = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'c%d': 2, 'e^f': 3, 'g|h': 4, 'i\\j': 5, 'k"l': 6, ' ': 7, 'm~n': 8 };

describe('JSON Pointer (RFC 6901)', () => {
  it.each([
    ['', rfcDocument],
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/', 0],
    ['/a~1b', 1],
    ['/c%d', 2],
    ['/e^f', 3],
    ['/g|h', 4],
    ['/i\\j', 5],
    ['/k"l', 6],
    ['/ ', 7],
    ['/m~0n', 8],
  ])('reads %j as the RFC says', (pointer, value) => {
    expect(getAt(rfcDocument, pointer)).toEqual(value);
  });

  it('escapes ~ before / and reads ~01 as ~1, not /', () => {
    expect(formatPointer(['a/b', 'm~n', 3])).toBe('/a~1b/m~0n/3');
    expect(parsePointer('/~01')).toEqual(['~1']);
    expect(parsePointer(formatPointer(['~1', '/~0']))).toEqual(['~1', '/~0']);
  });

  it('refuses malformed pointers', () => {
    expect(() => parsePointer('foo')).toThrow(InvalidPointerError);
    expect(() => parsePointer('/a~2')).toThrow(InvalidPointerError);
    expect(() => parsePointer('/a~')).toThrow(InvalidPointerError);
  });

  it('answers undefined for missing steps, non-index array segments and inherited keys', () => {
    expect(getAt(rfcDocument, '/foo/2')).toBeUndefined();
    expect(getAt(rfcDocument, '/foo/01')).toBeUndefined();
    expect(getAt(rfcDocument, '/foo/-')).toBeUndefined();
    expect(getAt({}, '/constructor')).toBeUndefined();
    expect(getAt({ a: 'text' }, '/a/0')).toBeUndefined();
  });

  it('sets by pointer without touching the original, creating rows and objects on the way', () => {
    const original = { line_items: [{ amount: 1 }] };
    const changed = setAt(original, '/line_items/0/amount', 2);
    expect(changed).toEqual({ line_items: [{ amount: 2 }] });
    expect(original).toEqual({ line_items: [{ amount: 1 }] });
    expect(setAt(original, '/line_items/1/amount', 3)).toEqual({ line_items: [{ amount: 1 }, { amount: 3 }] });
    expect(setAt({}, '/seller/address/city', 'Berlin')).toEqual({ seller: { address: { city: 'Berlin' } } });
    expect(setAt(null, '/rows/0/x', 1)).toEqual({ rows: [{ x: 1 }] });
    expect(setAt({ a: 1 }, '', 'whole')).toBe('whole');
    expect(setAt({}, '/a~1b', 1)).toEqual({ 'a/b': 1 });
  });

  it('refuses to set past the end of a list or into a scalar', () => {
    expect(() => setAt({ rows: [] }, '/rows/2', 1)).toThrow(/past the end/);
    expect(() => setAt({ rows: [] }, '/rows/x', 1)).toThrow(/not an array index/);
    expect(() => setAt({ a: 5 }, '/a/b', 1)).toThrow(/steps into a number/);
  });

  it('matches wildcard patterns segment by segment', () => {
    expect(pointerMatches('/line_items/*/amount', '/line_items/12/amount')).toBe(true);
    expect(pointerMatches('/line_items/*/amount', '/line_items/12')).toBe(false);
    expect(pointerMatches('/line_items/*/amount', '/other/1/amount')).toBe(false);
  });
});
