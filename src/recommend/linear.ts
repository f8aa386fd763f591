import { mulberry32 } from "../search/embed/random.ts";
import type { SparseVector } from "./sparse.ts";

/**
 * A linear SVM (hinge loss, L2 regularisation) trained by dual coordinate descent (Hsieh et al.
 * 2008, liblinear's solver), with the intercept as a constant feature. Each example carries its
 * own cost C, which is how class weights and soft pseudo-labels enter. Features are sparse with
 * global ids; the weights live in a compact local array over the ids the examples use, so a
 * model over a vocabulary of millions costs only what its examples touch.
 */
export interface Example {
  x: SparseVector;
  positive: boolean;
  cost: number;
}

export interface LinearModel {
  local: Map<number, number>;
  w: Float64Array;
  bias: number;
}

export function trainLinearSvm(
  examples: Example[],
  opts: { tol?: number; maxIter?: number; seed?: number } = {},
): LinearModel {
  const tol = opts.tol ?? 1e-3;
  const maxIter = opts.maxIter ?? 200;
  const local = new Map<number, number>();
  const xs = examples.map((e) => {
    const idx = new Uint32Array(e.x.idx.length);
    e.x.idx.forEach((g, k) => {
      let l = local.get(g);
      if (l === undefined) {
        l = local.size;
        local.set(g, l);
      }
      idx[k] = l;
    });
    return { idx, val: e.x.val };
  });
  const w = new Float64Array(local.size);
  let bias = 0;
  const n = examples.length;
  const alpha = new Float64Array(n);
  const qii = xs.map((v) => v.val.reduce((s, a) => s + a * a, 0) + 1);
  const order = Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(opts.seed ?? 1);
  for (let iter = 0; iter < maxIter; iter++) {
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let pgMax = Number.NEGATIVE_INFINITY;
    let pgMin = Number.POSITIVE_INFINITY;
    for (const i of order) {
      const v = xs[i];
      const y = examples[i].positive ? 1 : -1;
      const upper = examples[i].cost;
      let wx = bias;
      for (let k = 0; k < v.idx.length; k++) wx += w[v.idx[k]] * v.val[k];
      const g = y * wx - 1;
      let pg = g;
      if (alpha[i] === 0) pg = Math.min(g, 0);
      else if (alpha[i] === upper) pg = Math.max(g, 0);
      if (pg > pgMax) pgMax = pg;
      if (pg < pgMin) pgMin = pg;
      if (Math.abs(pg) > 1e-12) {
        const old = alpha[i];
        alpha[i] = Math.min(Math.max(old - g / qii[i], 0), upper);
        const d = (alpha[i] - old) * y;
        for (let k = 0; k < v.idx.length; k++) w[v.idx[k]] += d * v.val[k];
        bias += d;
      }
    }
    if (pgMax - pgMin <= tol) break;
  }
  return { local, w, bias };
}
