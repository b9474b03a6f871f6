/**
 * A problem with a schema as given, located by a JSON Pointer into the request body's schema
 * (`/json_schema/properties/items/items`, `/fields/2/type`), so a 400 can say exactly where.
 */
export interface SchemaIssue {
  path: string;
  message: string;
}

/** Thrown by `parseExtractionSchema` when a schema is refused; `issues` lists every problem found. */
export class SchemaRefusedError extends Error {
  readonly issues: readonly SchemaIssue[];

  constructor(issues: readonly SchemaIssue[]) {
    const [first] = issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super(first ? `${first.path || '(schema)'}: ${first.message}${more}` : 'the schema was refused');
    this.name = 'SchemaRefusedError';
    this.issues = issues;
  }
}

/** Collects issues, once per path and message (a definition used ten times reports its problem once). */
export class IssueList {
  readonly #seen = new Set<string>();
  readonly items: SchemaIssue[] = [];

  add(path: string, message: string): void {
    const key = `${path}\u0000${message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.items.push({ path, message });
  }

  get empty(): boolean {
    return this.items.length === 0;
  }
}
