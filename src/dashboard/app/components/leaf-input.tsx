import type { SchemaNode } from '../../../contract/schema/schema-node.ts';

interface Props {
  node: SchemaNode;
  id: string;
  name: string;
  label: string;
  value: string;
  invalid?: boolean;
  describedBy?: string | undefined;
  /** What the empty choice of a select says (e.g. "Keep the model’s value"). */
  emptyLabel?: string;
  placeholder?: string;
  onInput: (value: string) => void;
}

/** The input one value is typed in: a select for yes/no and enums, a date picker, else text. */
export function LeafInput({ node, id, name, label, value, invalid, describedBy, emptyLabel = '', placeholder, onInput }: Props) {
  const common = { id, name, 'aria-label': label, 'aria-invalid': invalid || undefined, 'aria-describedby': describedBy };
  if (node.kind === 'boolean' || node.kind === 'enum') {
    const options = node.kind === 'boolean' ? [['true', 'yes'], ['false', 'no']] : node.values.map((option) => [String(option), String(option)]);
    return (
      <select {...common} value={value} onChange={(event) => onInput(event.currentTarget.value)}>
        <option value="">{emptyLabel}</option>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    );
  }
  if (node.kind === 'date') return <input {...common} type="date" value={value} onInput={(event) => onInput(event.currentTarget.value)} />;
  return (
    <input
      {...common}
      type="text"
      inputMode={node.kind === 'number' ? 'decimal' : node.kind === 'integer' ? 'numeric' : 'text'}
      value={value}
      placeholder={placeholder}
      autoComplete="off"
      onInput={(event) => onInput(event.currentTarget.value)}
    />
  );
}
