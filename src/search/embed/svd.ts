import { gaussian, mulberry32 } from "./random.ts";
import { type Csr, mulDense, mulTransDense } from "./sparse.ts";

/** Gram matrix G = Yᵀ·Y of a row-major n × l matrix (symmetric, l × l). */
function gram(y: Float64Array, n: number, l: number): Float64Array {
  const g = new Float64Array(l * l);
  for (let i = 0; i < n; i++) {
    const o = i * l;
    for (let a = 0; a < l; a++) {
      const v = y[o + a];
      if (v === 0) continue;
      const go = a * l;
      for (let b = a; b < l; b++) g[go + b] += v * y[o + b];
    }
  }
  for (let a = 0; a < l; a++) for (let b = 0; b < a; b++) g[a * l + b] = g[b * l + a];
  return g;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: slow in theory, but
 * the matrices here are a few hundred wide and Jacobi is accurate and short.
 */
export function symmetricEigen(m: Float64Array, l: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(l * l);
  for (let i = 0; i < l; i++) v[i * l + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < l; p++) {
      diag += a[p * l + p] ** 2;
      for (let q = p + 1; q < l; q++) off += a[p * l + q] ** 2;
    }
    if (off <= 1e-22 * diag || off === 0) break;
    for (let p = 0; p < l - 1; p++) {
      for (let q = p + 1; q < l; q++) {
        const apq = a[p * l + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * l + q] - a[p * l + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < l; k++) {
          const akp = a[k * l + p];
          const akq = a[k * l + q];
          a[k * l + p] = c * akp - s * akq;
          a[k * l + q] = s * akp + c * akq;
        }
        for (let k = 0; k < l; k++) {
          const apk = a[p * l + k];
          const aqk = a[q * l + k];
          a[p * l + k] = c * apk - s * aqk;
          a[q * l + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < l; k++) {
          const vkp = v[k * l + p];
          const vkq = v[k * l + q];
          v[k * l + p] = c * vkp - s * vkq;
          v[k * l + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(l);
  for (let i = 0; i < l; i++) values[i] = a[i * l + i];
  return { values, vectors: v };
}

/**
 * Orthonormal basis of the column space of Y (n × l, row-major) by Cholesky QR, run twice
 * (CholeskyQR2) for accuracy: Q = Y·R⁻¹ with RᵀR = YᵀY. A tiny ridge keeps a rank-deficient Y
 * (a corpus smaller than l) factorable; the second pass cleans up what it perturbs.
 */
function orthonormalize(
  y: Float64Array,
  n: number,
  l: number,
  passes = 2,
): { q: Float64Array; width: number } {
  let q = y;
  for (let pass = 0; pass < passes; pass++)
    q = mulRowMajor(q, n, l, inverseCholeskyFactor(gram(q, n, l), l), l);
  return { q, width: l };
}

/** R⁻¹ (upper triangular, l × l) for the Cholesky factor of a symmetric positive matrix G. */
function inverseCholeskyFactor(g: Float64Array, l: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < l; i++) trace += g[i * l + i];
  const ridge = (trace / l) * 1e-10 + 1e-300;
  const r = new Float64Array(l * l);
  for (let j = 0; j < l; j++) {
    let d = g[j * l + j] + ridge;
    for (let k = 0; k < j; k++) d -= r[k * l + j] ** 2;
    const rjj = Math.sqrt(Math.max(d, ridge));
    r[j * l + j] = rjj;
    for (let i = j + 1; i < l; i++) {
      let s = g[j * l + i];
      for (let k = 0; k < j; k++) s -= r[k * l + j] * r[k * l + i];
      r[j * l + i] = s / rjj;
    }
  }
  // Invert the upper-triangular R column by column (back substitution).
  const inv = new Float64Array(l * l);
  for (let c = 0; c < l; c++) {
    for (let i = c; i >= 0; i--) {
      let s = i === c ? 1 : 0;
      for (let k = i + 1; k <= c; k++) s -= r[i * l + k] * inv[k * l + c];
      inv[i * l + c] = s / r[i * l + i];
    }
  }
  return inv;
}

function mulRowMajor(x: Float64Array, n: number, l: number, m: Float64Array, w: number): Float64Array {
  const out = new Float64Array(n * w);
  for (let i = 0; i < n; i++) {
    const xo = i * l;
    const oo = i * w;
    for (let r = 0; r < l; r++) {
      const v = x[xo + r];
      if (v === 0) continue;
      const mo = r * w;
      for (let c = 0; c < w; c++) out[oo + c] += v * m[mo + c];
    }
  }
  return out;
}

export interface TruncatedSvd {
  /** Right singular vectors (one row per column of A), row-major cols × k. */
  v: Float64Array;
  singular: Float64Array;
  k: number;
}

/**
 * Randomised truncated SVD (Halko, Martinsson & Tropp 2011) of a sparse matrix, with power
 * iterations for the slowly decaying spectra of text. Only the right singular vectors (term
 * directions) are returned: documents and queries are folded in through them.
 */
export function randomizedSvd(
  a: Csr,
  k: number,
  opts: { seed: number; oversample?: number; powerIters?: number },
): TruncatedSvd {
  const l = Math.min(k + (opts.oversample ?? 12), a.rows, a.cols);
  const normal = gaussian(mulberry32(opts.seed));
  const omega = new Float64Array(a.cols * l);
  for (let i = 0; i < omega.length; i++) omega[i] = normal();
  // Power iterations only need a well-conditioned basis, so one Cholesky pass each; the
  // final basis gets the second pass.
  const iters = opts.powerIters ?? 2;
  let { q, width } = orthonormalize(mulDense(a, omega, l), a.rows, l, 1);
  for (let it = 0; it < iters; it++) {
    const z = orthonormalize(mulTransDense(a, q, width), a.cols, width, 1);
    ({ q, width } = orthonormalize(mulDense(a, z.q, z.width), a.rows, z.width, it === iters - 1 ? 2 : 1));
  }
  // B = QᵀA, handled as Z = AᵀQ (cols × width); BBᵀ = ZᵀZ gives B's left vectors and σ².
  const z = mulTransDense(a, q, width);
  const { values, vectors } = symmetricEigen(gram(z, a.cols, width), width);
  const order = [...values.keys()].sort((x, y) => values[y] - values[x]).filter((i) => values[i] > 1e-12);
  const kk = Math.min(k, order.length);
  const singular = new Float64Array(kk);
  const proj = new Float64Array(width * kk);
  for (let c = 0; c < kk; c++) {
    const j = order[c];
    singular[c] = Math.sqrt(values[j]);
    for (let r = 0; r < width; r++) proj[r * kk + c] = vectors[r * width + j] / singular[c];
  }
  return { v: mulRowMajor(z, a.cols, width, proj, kk), singular, k: kk };
}
