import { Fragment, type ComponentChildren } from 'preact';

/** One column of a DataTable: its header, how a row fills its cell, and how the cell is laid out. */
export interface Column<T> {
  /** Unique among the table's columns. */
  key: string;
  header: ComponentChildren;
  cell: (row: T) => ComponentChildren;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  /** Hidden on a phone-wide screen. */
  hideNarrow?: boolean;
  /** The row's name: a `<th scope="row">`, which screen readers announce with each of its cells. */
  rowHeader?: boolean;
  /** More classes for the header and the cells (e.g. `check`, `mono`, `nowrap muted small`). */
  className?: string;
  /** More classes for the cells only. */
  cellClass?: string;
  title?: (row: T) => string;
}

interface Props<T> {
  rows: readonly T[];
  columns: ReadonlyArray<Column<T> | false | undefined>;
  rowKey: (row: T, index: number) => string | number;
  /** `data-table`, which tests and styles select the table by. */
  name?: string;
  compact?: boolean;
  className?: string;
  /** Classes of the scrolling box around the table (e.g. a height-limited list). */
  wrapClass?: string;
  /** Attributes of a row's `<tr>` (`data-*`, a `selected` class). */
  rowProps?: (row: T) => { class?: string } & Record<`data-${string}`, string | number | undefined>;
  /** Rows to add under a row (a note spanning the table). */
  after?: (row: T) => ComponentChildren;
}

const classes = (...names: Array<string | false | undefined>) => names.filter(Boolean).join(' ') || undefined;

/**
 * The dashboard's tables: the header and the cells come from one list of column definitions, so a
 * column's alignment, its narrow-screen rule and its header stay together, and every table reads the
 * same. The exact numbers of every chart are in one of these.
 */
export function DataTable<T>({ rows, columns, rowKey, name, compact, className, wrapClass, rowProps, after }: Props<T>) {
  const shown = columns.filter((column): column is Column<T> => Boolean(column));
  const layout = (column: Column<T>) => classes(column.numeric && 'num', column.hideNarrow && 'hide-narrow', column.className);
  return (
    <div class={classes('table-wrap', wrapClass)}>
      <table class={classes('table', compact && 'compact', className)} data-table={name}>
        <thead>
          <tr>
            {shown.map((column) => (
              <th key={column.key} scope="col" class={layout(column)}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <Fragment key={rowKey(row, index)}>
              <tr {...rowProps?.(row)}>
                {shown.map((column) => {
                  const Cell = column.rowHeader ? 'th' : 'td';
                  return (
                    <Cell key={column.key} scope={column.rowHeader ? 'row' : undefined} class={classes(layout(column), column.cellClass)} title={column.title?.(row)}>
                      {column.cell(row)}
                    </Cell>
                  );
                })}
              </tr>
              {after?.(row)}
            </Fragment>
          ))}
        </tbody>
      </table>
    </div>
  );
}
