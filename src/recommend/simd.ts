/**
 * One WebAssembly SIMD kernel: every row of a row-major f32 matrix dotted with a few vectors.
 * Scoring a pool is that matrix-vector product (100k rows × 256 dims per request, plus the
 * centroid of each small interest whose nearest papers are wanted); V8's scalar loop does it at
 * about 2 ns a row-dimension, f32x4 lanes several times faster, and several queries share one
 * read of each row. The module is a few dozen bytes, assembled here from named opcodes (no build
 * step, no binary in the tree), and works on a matrix that lives in its memory: the pool
 * allocates its matrix there.
 *
 *   (func $dots (param $m i32) (param $qs i32) (param $out i32) (param $rows i32)
 *               (param $dims i32) (param $nq i32)
 *     $dims ← $dims × 4 (bytes a row); for each row, for each of the $nq queries (one after the
 *     other from $qs): two f32x4 accumulators over 8 floats a step, then
 *     out[r × nq + k] ← the sum of their lanes; $m moves a row, $out a float.)
 */

/** The part of the WebAssembly API used here (the project's lib has no DOM types, where it is declared). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (size: { initial: number; maximum: number }) => WasmMemory;
  Instance: new (module: WasmModule, imports: object) => { exports: Record<string, unknown> };
}
type WasmModule = object;
type WasmMemory = { readonly buffer: ArrayBuffer };
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Or: 0x72,
  i32LtU: 0x49,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Shl: 0x74,
  i32Store: 0x36,
  f32Add: 0x92,
  simd: 0xfd,
} as const;
// SIMD opcodes follow the 0xfd prefix as unsigned LEB128.
const v128Load = [op.simd, 0x00];
const v128Const = [op.simd, 0x0c];
const f32x4ExtractLane = [op.simd, 0x1f];
const f32x4Add = [op.simd, 0xe4, 0x01];
const f32x4Mul = [op.simd, 0xe6, 0x01];
const i32x4ExtractLane = [op.simd, 0x1b];
const i16x8ExtendLowI8x16 = [op.simd, 0x87, 0x01];
const i16x8ExtendHighI8x16 = [op.simd, 0x88, 0x01];
const i32x4DotI16x8 = [op.simd, 0xba, 0x01];
const i32x4Add = [op.simd, 0xae, 0x01];

// Parameters, then locals, numbered in this order.
const [M, QS, OUT, ROWS, ROW_BYTES, NQ, R, J, K, Q, ACC_A, ACC_B] = Array.from({ length: 12 }, (_, i) => i);

const memarg = (offset: number) => [0x00, offset];
const zeroV128 = [...v128Const, ...new Array(16).fill(0)];

/** acc += load(m + j + offset) * load(q + j + offset) */
const accumulate = (acc: number, offset: number) => [
  op.get,
  acc,
  op.get,
  M,
  op.get,
  J,
  op.i32Add,
  ...v128Load,
  ...memarg(offset),
  op.get,
  Q,
  op.get,
  J,
  op.i32Add,
  ...v128Load,
  ...memarg(offset),
  ...f32x4Mul,
  ...f32x4Add,
  op.set,
  acc,
];

/** a ← a + b; out ← the sum of a's four lanes (an f32 or i32 store); out moves a value. */
const storeLaneSum = (
  a: number,
  b: number,
  out: number,
  kind: { vecAdd: number[]; lane: number[]; add: number; store: number },
) => [
  op.get,
  a,
  op.get,
  b,
  ...kind.vecAdd,
  op.set,
  a,
  op.get,
  out,
  ...[0, 1, 2, 3].flatMap((i) => [op.get, a, ...kind.lane, i, ...(i > 0 ? [kind.add] : [])]),
  kind.store,
  2,
  0,
  op.get,
  out,
  op.i32Const,
  4,
  op.i32Add,
  op.set,
  out,
];
/** br_if (any of the locals is 0): leaves the enclosing block before a loop with nothing to do. */
const exitIfAnyZero = (...locals: number[]) => [
  ...locals.flatMap((local, i) => [op.get, local, op.i32Eqz, ...(i > 0 ? [op.i32Or] : [])]),
  op.brIf,
  0,
];
/** local += step */
const advance = (local: number, step: number[]) => [op.get, local, ...step, op.i32Add, op.set, local];
/** br_if (++local < bound) */
const countTo = (local: number, bound: number) => [
  op.get,
  local,
  op.i32Const,
  1,
  op.i32Add,
  op.tee,
  local,
  op.get,
  bound,
  op.i32LtU,
  op.brIf,
  0,
];

const body = [
  // locals: 4 × i32 (r, j, k, q), 2 × v128 (the accumulators)
  2,
  4,
  I32,
  2,
  V128,
  op.get,
  ROW_BYTES,
  op.i32Const,
  2,
  op.i32Shl,
  op.set,
  ROW_BYTES,
  op.block,
  0x40,
  ...exitIfAnyZero(ROWS, NQ),
  op.loop, // each row
  0x40,
  op.i32Const,
  0,
  op.set,
  K,
  op.get,
  QS,
  op.set,
  Q,
  op.loop, // each query
  0x40,
  ...zeroV128,
  op.set,
  ACC_A,
  ...zeroV128,
  op.set,
  ACC_B,
  op.i32Const,
  0,
  op.set,
  J,
  op.loop, // 8 floats a step
  0x40,
  ...accumulate(ACC_A, 0),
  ...accumulate(ACC_B, 16),
  op.get,
  J,
  op.i32Const,
  32,
  op.i32Add,
  op.tee,
  J,
  op.get,
  ROW_BYTES,
  op.i32LtU,
  op.brIf,
  0,
  op.end,
  // out[r × nq + k] = lane 0 + lane 1 + lane 2 + lane 3
  ...storeLaneSum(ACC_A, ACC_B, OUT, {
    vecAdd: f32x4Add,
    lane: f32x4ExtractLane,
    add: op.f32Add,
    store: op.f32Store,
  }),
  ...advance(Q, [op.get, ROW_BYTES]),
  ...countTo(K, NQ),
  op.end,
  ...advance(M, [op.get, ROW_BYTES]),
  ...countTo(R, ROWS),
  op.end,
  op.end,
  op.end,
];

/*
 *   (func $dots8_G (param $m i32) (param $qs i32) (param $out i32) (param $rows i32) (param $dims i32)
 *                  (param $stride i32)
 *     every row of an int8 matrix ($dims bytes a row, a multiple of 16) dotted with each of G int16
 *     queries (G = 1 to 4), interleaved at $qs by 16 dimensions (for each 16 of the row's bytes,
 *     the 16 int16 of query 0, then of query 1, …): 16 bytes of the row a step, loaded and
 *     sign-extended to two i16x8 halves once, then each half multiplied pairwise with 8 of each
 *     query's int16 and summed into that query's i32 lanes (i32x4.dot_i16x8_s); out[k] ← the sum of
 *     query k's lanes, as an i32, $out moving $stride bytes a row. Integer sums, so the products
 *     are exact whatever the order; reading and widening a row once for G queries, where one query
 *     at a time widened it G times, is most of a multi-query pass's saving.)
 */
const [M8, QS8, OUT8, ROWS8, DIMS8, STRIDE8, XP8, QP8, END8, XL8, XH8, ACC8] = Array.from(
  { length: 12 },
  (_, i) => i,
);
/** Queries a grouped int8 kernel scores at once (its accumulators stay in registers). */
const GROUP8 = 4;

function groupBody8(g: number): number[] {
  const acc = (k: number) => ACC8 + k;
  /** acc_k += dot(half, load(qp + offset)) */
  const accumulate = (k: number, half: number, offset: number) => [
    op.get,
    acc(k),
    op.get,
    half,
    op.get,
    QP8,
    ...v128Load,
    0x00,
    ...uleb(offset),
    ...i32x4DotI16x8,
    ...i32x4Add,
    op.set,
    acc(k),
  ];
  return [
    // locals: 3 × i32 (xp, qp, end), 2 + g × v128 (the row's two halves, the accumulators)
    2,
    3,
    I32,
    2 + g,
    V128,
    op.block,
    0x40,
    ...exitIfAnyZero(ROWS8, DIMS8),
    op.loop, // each row
    0x40,
    ...Array.from({ length: g }, (_, k) => [...zeroV128, op.set, acc(k)]).flat(),
    op.get,
    QS8,
    op.set,
    QP8,
    op.get,
    M8,
    op.set,
    XP8,
    op.get,
    M8,
    op.get,
    DIMS8,
    op.i32Add,
    op.set,
    END8,
    op.loop, // 16 bytes a step
    0x40,
    op.get,
    XP8,
    ...v128Load,
    ...memarg(0),
    op.tee,
    XL8,
    ...i16x8ExtendHighI8x16,
    op.set,
    XH8,
    op.get,
    XL8,
    ...i16x8ExtendLowI8x16,
    op.set,
    XL8,
    ...Array.from({ length: g }, (_, k) => [
      ...accumulate(k, XL8, 32 * k),
      ...accumulate(k, XH8, 32 * k + 16),
    ]).flat(),
    ...advance(QP8, [op.i32Const, ...sleb(32 * g)]),
    op.get,
    XP8,
    op.i32Const,
    16,
    op.i32Add,
    op.tee,
    XP8,
    op.get,
    END8,
    op.i32LtU,
    op.brIf,
    0,
    op.end,
    ...Array.from({ length: g }, (_, k) => [
      op.get,
      OUT8,
      ...[0, 1, 2, 3].flatMap((i) => [op.get, acc(k), ...i32x4ExtractLane, i, ...(i > 0 ? [op.i32Add] : [])]),
      op.i32Store,
      2,
      ...uleb(4 * k),
    ]).flat(),
    ...advance(OUT8, [op.get, STRIDE8]),
    op.get,
    END8,
    op.set,
    M8,
    op.get,
    ROWS8,
    op.i32Const,
    1,
    op.i32Sub,
    op.tee,
    ROWS8,
    op.brIf,
    0,
    op.end,
    op.end,
    op.end,
  ];
}

/** A signed LEB128 constant (i32.const's immediate). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
const vec = (bytes: number[]) => [...uleb(bytes.length), ...bytes];
const name = (s: string) => vec([...new TextEncoder().encode(s)]);
const section = (id: number, bytes: number[]) => [id, ...vec(bytes)];

/** The magic number and version every module starts with ("\0asm", 1). */
const WASM_HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** A module's import of the memory it works on (env.memory, at least a page). */
const importMemory = () => section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 1]);

const moduleBytes = new Uint8Array([
  ...WASM_HEADER,
  // One type for every function: six i32 parameters, no result.
  ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
  ...importMemory(),
  ...section(3, [1 + GROUP8, ...new Array(1 + GROUP8).fill(0)]),
  ...section(7, [
    1 + GROUP8,
    ...name("dots"),
    0x00,
    0,
    ...Array.from({ length: GROUP8 }, (_, g) => [...name(`dots8_${g + 1}`), 0x00, g + 1]).flat(),
  ]),
  ...section(10, [
    1 + GROUP8,
    ...vec(body),
    ...Array.from({ length: GROUP8 }, (_, g) => vec(groupBody8(g + 1))).flat(),
  ]),
]);

let compiled: WasmModule | null | undefined;
function kernelModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      compiled = new wasm.Module(moduleBytes);
    } catch {
      compiled = null; // no SIMD in this runtime: the scalar loop scores instead
    }
  }
  return compiled;
}

const PAGE = 65_536;
/** wasm32 addresses 4 GiB at most; a bigger matrix stays an ordinary array. */
const MAX_PAGES = 65_536;
const align16 = (n: number) => (n + 15) & ~15;

/** Where each part lives in the module's memory, in bytes. */
function layout(rows: number, dims: number) {
  const cells = rows * dims;
  const max = SimdMatrix.MAX_QUERIES;
  const queries = cells * 4;
  const out = queries + dims * max * 4;
  const rows8 = align16(out + rows * max * 4);
  const query16 = align16(rows8 + cells);
  const out32 = align16(query16 + dims * max * 2);
  return { queries, out, rows8, query16, out32, end: out32 + rows * max * 4 };
}

/**
 * A row-major matrix in WebAssembly memory, with room after it for MAX_QUERIES query vectors and
 * their dot products with every row, and the kernels bound to it. Rows must be a multiple of 8
 * floats long. Once `quantize` has run, it also holds each row as int8 (a quarter of the bytes
 * to read) with its scale, for `approximateDots`.
 */
export class SimdMatrix {
  static readonly MAX_QUERIES = 9;
  readonly matrix: Float32Array;
  private readonly queries: Float32Array;
  private readonly out: Float32Array;
  private readonly rows8: Int8Array;
  private readonly query16: Int16Array;
  private readonly out32: Int32Array;
  /** Each int8 row times its scale is the row, within half a scale step in every dimension. */
  private readonly rowScale: Float32Array;
  /** Σ |int8 row| × scale: how much the query's rounding can move a row's product. */
  private readonly rowL1: Float32Array;
  private quantized = false;
  private readonly dots: (m: number, qs: number, out: number, rows: number, dims: number, nq: number) => void;
  /** dots8[g - 1]: the int8 kernel for g queries at once. */
  private readonly dots8: ((
    m: number,
    qs: number,
    out: number,
    rows: number,
    dims: number,
    stride: number,
  ) => void)[];
  /** The last `approximate` pass: how many queries, and each one's int16 step and L1 norm. */
  private pass: { nq: number; steps: { step: number; l1: number }[] } | null = null;
  /** `candidates`' rows and their upper bounds, allocated on first use. */
  private kept: { rows: Int32Array; uppers: Float64Array } | null = null;

  private constructor(
    memory: WasmMemory,
    instance: { exports: Record<string, unknown> },
    readonly rows: number,
    readonly dims: number,
  ) {
    const at = layout(rows, dims);
    const max = SimdMatrix.MAX_QUERIES;
    this.matrix = new Float32Array(memory.buffer, 0, rows * dims);
    this.queries = new Float32Array(memory.buffer, at.queries, dims * max);
    this.out = new Float32Array(memory.buffer, at.out, rows * max);
    this.rows8 = new Int8Array(memory.buffer, at.rows8, rows * dims);
    this.query16 = new Int16Array(memory.buffer, at.query16, dims * max);
    this.out32 = new Int32Array(memory.buffer, at.out32, rows * max);
    this.rowScale = new Float32Array(rows);
    this.rowL1 = new Float32Array(rows);
    this.dots = instance.exports.dots as SimdMatrix["dots"];
    this.dots8 = Array.from(
      { length: GROUP8 },
      (_, g) => instance.exports[`dots8_${g + 1}`] as SimdMatrix["dots8"][number],
    );
  }

  /** Null when the runtime has no WebAssembly SIMD, the rows are not a multiple of 8, or it is too big. */
  static create(rows: number, dims: number): SimdMatrix | null {
    if (dims === 0 || dims % 8 !== 0 || rows === 0) return null;
    const module = kernelModule();
    if (!module) return null;
    const pages = Math.ceil(layout(rows, dims).end / PAGE);
    if (pages > MAX_PAGES) return null;
    try {
      const memory = new wasm.Memory({ initial: pages, maximum: pages });
      return new SimdMatrix(memory, new wasm.Instance(module, { env: { memory } }), rows, dims);
    } catch {
      return null; // the memory could not be reserved: fall back to an ordinary array
    }
  }

  /**
   * Every row dotted with each query (at most MAX_QUERIES): the product with query k of row r is
   * at r × queries.length + k. The view is valid until the next call.
   */
  dotsWith(queries: Float32Array[]): Float32Array {
    const nq = queries.length;
    if (nq > SimdMatrix.MAX_QUERIES) throw new RangeError(`at most ${SimdMatrix.MAX_QUERIES} queries a pass`);
    queries.forEach((q, k) => {
      this.queries.set(q, k * this.dims);
    });
    this.dots(0, this.queries.byteOffset, this.out.byteOffset, this.rows, this.dims, nq);
    return this.out.subarray(0, this.rows * nq);
  }

  /**
   * Whether the int8 rows can stand in for the matrix: the rows are a multiple of 16 bytes, and
   * the query's int16 products summed over a row cannot overflow an i32.
   */
  get approximates(): boolean {
    return this.dims % 16 === 0 && this.dims <= 2048;
  }

  /** Writes the int8 copy of every row (after the matrix is filled; again after it changes). */
  quantize(): void {
    if (!this.approximates) return;
    const d = this.dims;
    for (let r = 0; r < this.rows; r++) {
      const o = r * d;
      let max = 0;
      for (let j = 0; j < d; j++) max = Math.max(max, Math.abs(this.matrix[o + j]));
      const scale = max / 127;
      this.rowScale[r] = scale;
      let l1 = 0;
      for (let j = 0; j < d; j++) {
        const v = scale > 0 ? Math.round(this.matrix[o + j] / scale) : 0;
        this.rows8[o + j] = v;
        l1 += Math.abs(v);
      }
      this.rowL1[r] = l1 * scale;
    }
    this.quantized = true;
  }

  /**
   * Every row's product with each query (at most MAX_QUERIES) from the int8 rows and an int16
   * copy of each query: one pass over a quarter of the matrix's bytes, each row read and widened
   * once for every GROUP8 queries. The products then stand for the exact ones within a bound,
   * |x·q − x̃·q̃| ≤ Σ|q|·|x − x̃| + Σ|x̃|·|q − q̃| ≤ ‖q‖₁·scale/2 + ‖x̃‖₁·step/2 (`approximation`),
   * and `candidates` keeps the rows that can be among a query's best. False when there is no
   * int8 copy (the caller then takes the exact pass).
   */
  approximate(queries: Float32Array[]): boolean {
    const nq = queries.length;
    this.pass = null;
    if (!this.quantized || nq === 0 || nq > SimdMatrix.MAX_QUERIES) return false;
    if (queries.some((q) => q.length !== this.dims)) return false;
    const d = this.dims;
    // Products of at most 127 × top summed over the row stay within an i32.
    const top = Math.min(32767, Math.floor(2 ** 31 / (127 * d)) - 1);
    const steps: { step: number; l1: number }[] = [];
    for (let g0 = 0; g0 < nq; g0 += GROUP8) {
      const g = Math.min(GROUP8, nq - g0);
      // The group's queries interleaved by 16 dimensions, as the kernel reads them.
      for (let k = 0; k < g; k++) {
        const q = queries[g0 + k];
        let max = 0;
        let l1 = 0;
        for (const x of q) {
          max = Math.max(max, Math.abs(x));
          l1 += Math.abs(x);
        }
        const step = max > 0 ? max / top : 0;
        const at = g0 * d + k * 16;
        for (let j = 0; j < d; j++)
          this.query16[at + (j >> 4) * g * 16 + (j & 15)] = step > 0 ? Math.round(q[j] / step) : 0;
        steps.push({ step, l1 });
      }
      this.dots8[g - 1](
        this.rows8.byteOffset,
        this.query16.byteOffset + g0 * d * 2,
        this.out32.byteOffset + g0 * 4,
        this.rows,
        d,
        nq * 4,
      );
    }
    this.pass = { nq, steps };
    return true;
  }

  /**
   * Row r's product with query k of the last `approximate` pass, and how far it may be from the
   * exact product (float32 values: the margin covers their rounding and the exact product's).
   */
  approximation(k: number, r: number): { dot: number; bound: number } {
    const { nq, steps } = this.livePass(k);
    const { step, l1 } = steps[k];
    const scale = this.rowScale[r];
    const dot = Math.fround(this.out32[r * nq + k] * scale * step);
    const bound = Math.fround((l1 / 2) * scale + (step / 2) * this.rowL1[r] + 1e-5 * (1 + Math.abs(dot)));
    return { dot, bound };
  }

  private livePass(k: number) {
    if (!this.pass || k < 0 || k >= this.pass.nq) throw new RangeError(`no query ${k} in the last pass`);
    return this.pass;
  }

  /**
   * The rows that can be among the `keep` best of base[r] + row r's exact product with query k of
   * the last pass (a null base counting as zero), skipped rows left out, in ascending order: each
   * row's lower bound is base[r] + product − bound (rounded to float32), and a row whose upper
   * bound (lower + 2 × bound) falls below the keep-th best lower bound cannot be among them. One
   * pass over the rows, keeping the best lower bounds so far in a min-heap: a row below the
   * floor so far is below the final one too. Null when more than `max` rows remain (the caller
   * then scores every row exactly). The array is valid until the next call.
   */
  candidates(
    k: number,
    keep: number,
    base: Float32Array | null,
    max: number,
    skip?: (r: number) => boolean,
  ): Int32Array | null {
    const { nq, steps } = this.livePass(k);
    this.kept ??= { rows: new Int32Array(this.rows), uppers: new Float64Array(this.rows) };
    const { rows: got, uppers } = this.kept;
    if (keep <= 0) return got.subarray(0, 0);
    const { step, l1 } = steps[k];
    const halfL1 = l1 / 2;
    const halfStep = step / 2;
    const { out32, rowScale, rowL1, rows } = this;
    const heap = new Float64Array(keep);
    let size = 0;
    let floor = Number.NEGATIVE_INFINITY;
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const scale = rowScale[r];
      const dot = Math.fround(out32[r * nq + k] * scale * step);
      const bound = Math.fround(halfL1 * scale + halfStep * rowL1[r] + 1e-5 * (1 + Math.abs(dot)));
      const lower = Math.fround((base ? base[r] : 0) + dot - bound);
      const upper = lower + 2 * bound;
      if (upper < floor || skip?.(r)) continue;
      got[n] = r;
      uppers[n++] = upper;
      if (size < keep) {
        // Sift up.
        let i = size++;
        while (i > 0) {
          const p = (i - 1) >> 1;
          if (heap[p] <= lower) break;
          heap[i] = heap[p];
          i = p;
        }
        heap[i] = lower;
        if (size === keep) floor = heap[0];
      } else if (lower > heap[0]) {
        // Replace the smallest and sift down.
        let i = 0;
        for (;;) {
          const a = 2 * i + 1;
          if (a >= keep) break;
          const c = a + 1 < keep && heap[a + 1] < heap[a] ? a + 1 : a;
          if (heap[c] >= lower) break;
          heap[i] = heap[c];
          i = c;
        }
        heap[i] = lower;
        floor = heap[0];
      }
    }
    let m = 0;
    for (let i = 0; i < n; i++) if (!(uppers[i] < floor)) got[m++] = got[i];
    return m > max ? null : got.subarray(0, m);
  }
}

/*
 *   (func $scatter (param $out i32) (param $doc i32) (param $val i32) (param $n i32) (param $w f64)
 *     for each of the $n postings from $doc and $val (u32 row, f32 value):
 *       out[row] ← f32(f64(out[row]) + $w × f64(value))
 *     the arithmetic JavaScript's `out[row] += w * value` does on Float32Arrays (in doubles, rounded
 *     once when stored), so its sums are the same bits; without the bounds check of each of the
 *     three typed-array accesses, about twice as fast per posting.)
 */
const F64 = 0x7c;
const [S_OUT, S_DOC, S_VAL, S_N, S_W, S_END, S_AT] = Array.from({ length: 7 }, (_, i) => i);
const scatterBody = [
  // locals: 2 × i32 (end, at)
  1,
  2,
  I32,
  op.block,
  0x40,
  ...exitIfAnyZero(S_N),
  op.get,
  S_DOC,
  op.get,
  S_N,
  op.i32Const,
  2,
  op.i32Shl,
  op.i32Add,
  op.set,
  S_END,
  op.loop, // each posting
  0x40,
  // at = out + doc[k] × 4
  op.get,
  S_OUT,
  op.get,
  S_DOC,
  0x28, // i32.load
  2,
  0,
  op.i32Const,
  2,
  op.i32Shl,
  op.i32Add,
  op.tee,
  S_AT,
  op.get,
  S_AT,
  op.f32Load,
  2,
  0,
  0xbb, // f64.promote_f32
  op.get,
  S_W,
  op.get,
  S_VAL,
  op.f32Load,
  2,
  0,
  0xbb,
  0xa2, // f64.mul
  0xa0, // f64.add
  0xb6, // f32.demote_f64
  op.f32Store,
  2,
  0,
  ...advance(S_VAL, [op.i32Const, 4]),
  op.get,
  S_DOC,
  op.i32Const,
  4,
  op.i32Add,
  op.tee,
  S_DOC,
  op.get,
  S_END,
  op.i32LtU,
  op.brIf,
  0,
  op.end,
  op.end,
  op.end,
];

const scatterModuleBytes = new Uint8Array([
  ...WASM_HEADER,
  ...section(1, [1, 0x60, 5, I32, I32, I32, I32, F64, 0]),
  ...importMemory(),
  ...section(3, [1, 0]),
  ...section(7, [1, ...name("scatter"), 0x00, 0]),
  ...section(10, [1, ...vec(scatterBody)]),
]);

let scatterCompiled: WasmModule | null | undefined;

/**
 * A pool's keyword postings (entries by term: row and value) and one score per row, in
 * WebAssembly memory, with the loop that adds a term's weighted postings into the scores:
 * the keyword part of scoring a pool (a person's 3,000 terms touch 2.5 million postings of a 100k
 * pool), where the typed arrays' loop in JavaScript took 10 ms.
 */
export class PostingsKernel {
  readonly doc: Uint32Array;
  readonly val: Float32Array;
  /** Every row's score; `addTerm` adds into it. */
  readonly scores: Float32Array;
  private readonly scatter: (out: number, doc: number, val: number, n: number, w: number) => void;

  private constructor(
    memory: WasmMemory,
    instance: { exports: Record<string, unknown> },
    rows: number,
    entries: number,
  ) {
    const scoresBytes = align16(rows * 4);
    this.scores = new Float32Array(memory.buffer, 0, rows);
    this.doc = new Uint32Array(memory.buffer, scoresBytes, entries);
    this.val = new Float32Array(memory.buffer, scoresBytes + align16(entries * 4), entries);
    this.scatter = instance.exports.scatter as PostingsKernel["scatter"];
  }

  /** Null without WebAssembly (or when it is too big for wasm32): the caller keeps ordinary arrays. */
  static create(rows: number, entries: number): PostingsKernel | null {
    if (rows === 0) return null;
    if (scatterCompiled === undefined) {
      try {
        scatterCompiled = new wasm.Module(scatterModuleBytes);
      } catch {
        scatterCompiled = null;
      }
    }
    if (!scatterCompiled) return null;
    const pages = Math.max(1, Math.ceil((align16(rows * 4) + 2 * align16(entries * 4)) / PAGE));
    if (pages > MAX_PAGES) return null;
    try {
      const memory = new wasm.Memory({ initial: pages, maximum: pages });
      return new PostingsKernel(
        memory,
        new wasm.Instance(scatterCompiled, { env: { memory } }),
        rows,
        entries,
      );
    } catch {
      return null;
    }
  }

  /** scores[doc[k]] += w × val[k] for the postings k in [from, to). */
  addTerm(from: number, to: number, w: number): void {
    if (to > from)
      this.scatter(
        this.scores.byteOffset,
        this.doc.byteOffset + from * 4,
        this.val.byteOffset + from * 4,
        to - from,
        w,
      );
  }
}
