import { munkres } from 'munkres';

/**
 * Which actual row answers which expected row. Rows carry no identity, so position means nothing (a
 * model that skips line 2 has lines 3.. one place early); the pairing that makes the fewest errors
 * overall is found by the Hungarian algorithm (`munkres`, MIT). Leaving an expected row unanswered
 * costs `missCost(i)`, an actual row that answers nothing costs `extraCost(j)`, so a pair is only made
 * when it is cheaper than counting the two rows as a miss and an extra: the cost matrix is padded
 * to (n + m) square with one "unmatched" column per expected row and one "unmatched" row per actual
 * row (the standard reduction of assignment with optional matches).
 */
export interface RowAssignment {
  pairs: Array<[expected: number, actual: number]>;
  missing: number[];
  extra: number[];
}

export function assignRows(
  expectedCount: number,
  actualCount: number,
  cost: (expected: number, actual: number) => number,
  missCost: (expected: number) => number,
  extraCost: (actual: number) => number,
): RowAssignment {
  if (expectedCount === 0 || actualCount === 0) {
    return { pairs: [], missing: range(expectedCount), extra: range(actualCount) };
  }
  const size = expectedCount + actualCount;
  // Larger than any real total: forbids the cells that would pair a row with another row's "unmatched".
  const forbidden = 1 + range(expectedCount).reduce((sum, i) => sum + missCost(i), 0) + range(actualCount).reduce((sum, j) => sum + extraCost(j), 0);
  const matrix: number[][] = [];
  for (let row = 0; row < size; row += 1) {
    const line: number[] = new Array<number>(size).fill(0);
    for (let column = 0; column < size; column += 1) {
      if (row < expectedCount && column < actualCount) line[column] = cost(row, column);
      else if (row < expectedCount) line[column] = column - actualCount === row ? missCost(row) : forbidden;
      else if (column < actualCount) line[column] = row - expectedCount === column ? extraCost(column) : forbidden;
    }
    matrix.push(line);
  }
  const assignment: RowAssignment = { pairs: [], missing: [], extra: [] };
  for (const [row, column] of munkres(matrix)) {
    if (row < expectedCount && column < actualCount) assignment.pairs.push([row, column]);
    else if (row < expectedCount) assignment.missing.push(row);
    else if (column < actualCount) assignment.extra.push(column);
  }
  assignment.pairs.sort((a, b) => a[0] - b[0]);
  assignment.missing.sort((a, b) => a - b);
  assignment.extra.sort((a, b) => a - b);
  return assignment;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
