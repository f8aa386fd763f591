/** A compressed sparse row matrix: documents as rows, vocabulary terms as columns. */
export interface Csr {
  rows: number;
  cols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float32Array;
}

/** Y = A·X for a dense row-major X of `cols` × l. */
export function mulDense(a: Csr, x: Float64Array, l: number): Float64Array {
  const y = new Float64Array(a.rows * l);
  for (let i = 0; i < a.rows; i++) {
    const yo = i * l;
    for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) {
      const w = a.values[p];
      const xo = a.colIdx[p] * l;
      for (let c = 0; c < l; c++) y[yo + c] += w * x[xo + c];
    }
  }
  return y;
}

/** Z = Aᵀ·Y for a dense row-major Y of `rows` × l. */
export function mulTransDense(a: Csr, y: Float64Array, l: number): Float64Array {
  const z = new Float64Array(a.cols * l);
  for (let i = 0; i < a.rows; i++) {
    const yo = i * l;
    for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) {
      const w = a.values[p];
      const zo = a.colIdx[p] * l;
      for (let c = 0; c < l; c++) z[zo + c] += w * y[yo + c];
    }
  }
  return z;
}
