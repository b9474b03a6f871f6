import { childPointer } from '../../contract/schema/json-pointer.ts';
import type { ObjectNode, SchemaNode } from '../../contract/schema/schema-node.ts';
import { unionOptionFor } from '../../contract/schema/union-option.ts';

/**
 * The "wire form" of data: what a model reads and writes. It is the data itself, except that a map
 * (keys chosen by the document, e.g. skills grouped under the résumé's own headings) is written as a
 * list of `{key, value}` rows — OpenAI strict mode requires `additionalProperties: false` on every
 * object, so an object with open keys cannot be asked for. For a schema without maps the wire form
 * is the data unchanged. Pointers a model writes are wire pointers (`/skills/0/value/2`) and are
 * translated back to data pointers (`/skills/Web/2`) when its answer is decoded.
 */

const KEY = 'key';
const VALUE = 'value';

/** The root of the wire form of a schema. */
export function wireRoot(root: ObjectNode): ObjectNode {
  return wireNode(root) as ObjectNode;
}

/** The canonical node describing wire data: every map replaced by rows of `{key, value}`. */
export function wireNode(node: SchemaNode): SchemaNode {
  switch (node.kind) {
    case 'object':
      return { ...node, properties: node.properties.map((property) => ({ ...property, node: wireNode(property.node) })) };
    case 'array':
      return { ...node, items: wireNode(node.items) };
    case 'union':
      return { ...node, options: node.options.map(wireNode) };
    case 'map': {
      const { values, ...rest } = node;
      const entry: ObjectNode = {
        kind: 'object',
        nullable: false,
        properties: [
          { name: KEY, required: true, node: { kind: 'string', nullable: false, description: 'The name the document gives this entry.' } },
          { name: VALUE, required: true, node: wireNode(values) },
        ],
      };
      const description = [rest.description, 'Written as a list of {key, value} entries, each key once.'].filter(Boolean).join(' ');
      return { ...rest, kind: 'array', items: entry, description };
    }
    default:
      return node;
  }
}

export interface DecodedWire {
  data: unknown;
  /** Wire pointer → data pointer, for every node of the decoded value (identity where there are no maps). */
  pointers: Map<string, string>;
  /** Problems that make the wire value unreadable as data (a key given twice). */
  problems: Array<{ pointer: string; message: string }>;
}

/** Wire data (already checked against the wire schema) back to data, with the pointer translation. */
export function decodeWire(node: SchemaNode, wire: unknown): DecodedWire {
  const pointers = new Map<string, string>();
  const problems: DecodedWire['problems'] = [];
  const decode = (current: SchemaNode, value: unknown, wirePointer: string, dataPointer: string): unknown => {
    pointers.set(wirePointer, dataPointer);
    if (value === null || value === undefined) return value;
    switch (current.kind) {
      case 'object': {
        if (typeof value !== 'object' || Array.isArray(value)) return value;
        const out: Record<string, unknown> = {};
        for (const property of current.properties) {
          if (!Object.hasOwn(value, property.name)) continue;
          const child = (value as Record<string, unknown>)[property.name];
          out[property.name] = decode(property.node, child, childPointer(wirePointer, property.name), childPointer(dataPointer, property.name));
        }
        return out;
      }
      case 'array':
        return Array.isArray(value) ? value.map((item, index) => decode(current.items, item, childPointer(wirePointer, index), childPointer(dataPointer, index))) : value;
      case 'map': {
        if (!Array.isArray(value)) return value;
        const out: Record<string, unknown> = {};
        value.forEach((entry: unknown, index) => {
          const row = (entry ?? {}) as Record<string, unknown>;
          const key = String(row[KEY] ?? '');
          const entryPointer = childPointer(wirePointer, index);
          if (Object.hasOwn(out, key)) {
            problems.push({ pointer: childPointer(entryPointer, KEY), message: `the key ${JSON.stringify(key)} is given twice` });
            return;
          }
          pointers.set(entryPointer, childPointer(dataPointer, key));
          out[key] = decode(current.values, row[VALUE], childPointer(entryPointer, VALUE), childPointer(dataPointer, key));
        });
        return out;
      }
      case 'union': {
        // The value is in wire form, so the option is chosen among the options' wire forms.
        const wireOptions = current.options.map(wireNode);
        const option = unionOptionFor(wireOptions, value);
        const original = option ? current.options[wireOptions.indexOf(option)] : undefined;
        return original ? decode(original, value, wirePointer, dataPointer) : value;
      }
      default:
        return value;
    }
  };
  const data = decode(node, wire, '', '');
  return { data, pointers, problems };
}

/** Data to its wire form, to show a model candidates in the form it answers in. */
export function encodeWire(node: SchemaNode, data: unknown): unknown {
  if (data === null || data === undefined) return data;
  switch (node.kind) {
    case 'object': {
      if (typeof data !== 'object' || Array.isArray(data)) return data;
      const out: Record<string, unknown> = {};
      for (const property of node.properties) {
        if (Object.hasOwn(data, property.name)) out[property.name] = encodeWire(property.node, (data as Record<string, unknown>)[property.name]);
      }
      return out;
    }
    case 'array':
      return Array.isArray(data) ? data.map((item) => encodeWire(node.items, item)) : data;
    case 'map':
      if (typeof data !== 'object' || Array.isArray(data)) return data;
      return Object.entries(data).map(([key, value]) => ({ [KEY]: key, [VALUE]: encodeWire(node.values, value) }));
    case 'union': {
      const option = unionOptionFor(node.options, data);
      return option ? encodeWire(option, data) : data;
    }
    default:
      return data;
  }
}
