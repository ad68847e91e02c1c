import * as tf from "@tensorflow/tfjs";

/**
 * A `[rows, columns]` matrix with `values[r]` (default 1) at column `columnOfRow[r]` of row r, 0 elsewhere:
 * multiplied into per-row outputs it picks one weighted output per row.
 */
export function selectionMatrix(
  columnOfRow: readonly number[],
  columns: number,
  values?: readonly number[],
): tf.Tensor2D {
  const matrix = new Float32Array(columnOfRow.length * columns);
  columnOfRow.forEach((column, row) => (matrix[row * columns + column] = values?.[row] ?? 1));
  return tf.tensor2d(matrix, [columnOfRow.length, columns]);
}
