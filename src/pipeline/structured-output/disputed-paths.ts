import { childPointer, getAt, isPointerWithin, parsePointer, setAt } from '../../contract/schema/json-pointer.ts';
import type { ObjectNode, ObjectProperty, SchemaNode } from '../../contract/schema/schema-node.ts';

/**
 * Re-extracting only what the orchestrator disputed. The unit of re-extraction is a path of named
 * properties from the root: a disputed value inside a list (`/line_items/2/amount`) widens to the
 * whole list (`/line_items`), because rows have no identity — another model's row 2 need not be this
 * model's row 2, and a missing row can only be found by reading the list again. Likewise a value
 * inside a map entry or a union widens to the map or union.
 *
 * `disputedSubSchema` gives the schema of only those paths (objects on the way keep only the
 * properties that lead to them), so the re-extraction prompt and its answer stay small;
 * `mergeReextracted` writes the re-extracted values over the previous data.
 */

export interface DisputedSubSchema {
  /** The schema of the disputed paths alone; its data has the same pointers as the full schema's. */
  root: ObjectNode;
  /** The widened data pointers that will be replaced, outermost only, in schema order. */
  paths: string[];
}

/** The pointer cut at the first list, map or union on its way (or at its end). */
export function widenPointer(root: ObjectNode, pointer: string): string | undefined {
  let node: SchemaNode = root;
  let widened = '';
  for (const segment of parsePointer(pointer)) {
    if (node.kind !== 'object') return widened;
    const property: ObjectProperty | undefined = node.properties.find((candidate) => candidate.name === segment);
    if (!property) return undefined;
    widened = childPointer(widened, segment);
    node = property.node;
  }
  return widened;
}

export function disputedSubSchema(root: ObjectNode, disputed: readonly string[]): DisputedSubSchema {
  const widened = disputed.map((pointer) => widenPointer(root, pointer)).filter((pointer): pointer is string => pointer !== undefined);
  // Keep only the outermost: re-extracting /seller already covers /seller/name.
  const outermost = [...new Set(widened)].filter((pointer, _index, all) => !all.some((other) => other !== pointer && isPointerWithin(pointer, other)));
  if (outermost.includes('')) return { root, paths: [''] };
  const keep = (node: ObjectNode, prefix: string): ObjectNode => {
    const properties: ObjectProperty[] = [];
    for (const property of node.properties) {
      const here = childPointer(prefix, property.name);
      if (outermost.includes(here)) properties.push(property);
      else if (property.node.kind === 'object' && outermost.some((path) => isPointerWithin(path, here))) {
        properties.push({ ...property, node: keep(property.node, here) });
      }
    }
    return { ...node, properties };
  };
  const subRoot = keep(root, '');
  const paths: string[] = [];
  const collect = (node: ObjectNode, prefix: string) => {
    for (const property of node.properties) {
      const here = childPointer(prefix, property.name);
      if (outermost.includes(here)) paths.push(here);
      else if (property.node.kind === 'object') collect(property.node, here);
    }
  };
  collect(subRoot, '');
  return { root: subRoot, paths };
}

/** `data` with every path of the sub-schema replaced by its value in `reextracted` (null when absent). */
export function mergeReextracted(data: unknown, reextracted: unknown, paths: readonly string[]): unknown {
  let merged = data;
  for (const path of paths) {
    if (path === '') return reextracted;
    merged = setAt(merged ?? {}, path, getAt(reextracted, path) ?? null);
  }
  return merged;
}
