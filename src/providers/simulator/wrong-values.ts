import { compareLeafValues } from '../../contract/schema/field-value.ts';
import type { SchemaNode } from '../../contract/schema/schema-node.ts';
import { unionOptionFor } from '../../contract/schema/union-option.ts';

type Leaf = string | number | boolean | null;

/**
 * The kind of mistake an extraction model makes on one value: a misread digit, a cut-off string, an
 * off-by-one day, a neighbouring enum value, an invented value for an absent one, or a null. `draw`
 * (in [0, 1)) picks which, so the mistake is as deterministic as the decision to err. The result
 * always differs from `truth` (by the value module's comparison), so a validator can catch it, and
 * it is always a value of the leaf's kind, so the answer still matches its schema.
 */
export function wrongValue(truth: Leaf, node: SchemaNode, draw: number): Leaf {
  const leaf = node.kind === 'union' ? (unionOptionFor(node.options, truth) ?? node.options[0]!) : node;
  const candidate = mistake(truth, leaf, draw);
  if (!compareLeafValues(leaf, truth, candidate).correct) return candidate;
  return truth === null ? invented(leaf) : null;
}

function changeADigit(text: string, draw: number): string | undefined {
  const positions = [...text].flatMap((char, index) => (/\d/.test(char) ? [index] : []));
  if (positions.length === 0) return undefined;
  const position = positions[Math.floor(draw * positions.length)] ?? positions[0]!;
  const digit = Number(text[position]);
  return text.slice(0, position) + String((digit + 1 + Math.floor(draw * 8)) % 10) + text.slice(position + 1);
}

function invented(node: SchemaNode): Leaf {
  switch (node.kind) {
    case 'string':
      return 'N/A';
    case 'number':
      return 0;
    case 'integer':
      return 1;
    case 'boolean':
      return false;
    case 'date':
      return '2024-01-01';
    case 'enum':
      return node.values[0] ?? null;
    default:
      return null;
  }
}

function shiftDate(iso: string, days: number): string {
  const date = new Date(`${iso}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

function mistake(truth: Leaf, node: SchemaNode, draw: number): Leaf {
  // An absent value gets an invented one; a present one is missed outright one time in five.
  if (truth === null) return invented(node);
  if (draw < 0.2) return null;
  const rest = (draw - 0.2) / 0.8;
  switch (node.kind) {
    case 'string': {
      const text = String(truth);
      const misread = rest < 0.5 ? changeADigit(text, rest * 2) : undefined;
      if (misread !== undefined) return misread;
      return text.length > 3 ? text.slice(0, Math.max(1, Math.ceil(text.length * 0.6))) : null;
    }
    case 'number': {
      const value = Number(truth);
      if (rest < 0.6) {
        const misread = changeADigit(String(value), rest / 0.6);
        if (misread !== undefined && Number.isFinite(Number(misread))) return Number(misread);
      }
      return value * 10;
    }
    case 'integer':
      return Number(truth) + (rest < 0.5 ? 1 : -1);
    case 'boolean':
      return !truth;
    case 'date': {
      const iso = String(truth);
      const [year, month, day] = iso.split('-');
      // Swapping day and month is the classic US/European misreading, when it yields a real date.
      const swapped = `${year}-${day}-${month}`;
      if (rest < 0.4 && swapped !== iso && !Number.isNaN(Date.parse(`${swapped}T00:00:00Z`)) && Number(day) <= 12) {
        return swapped;
      }
      return shiftDate(iso, rest < 0.7 ? 1 : -1);
    }
    case 'enum': {
      const others = node.values.filter((value) => value !== truth);
      return others[Math.floor(rest * others.length)] ?? null;
    }
    default:
      return null;
  }
}
