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
  i32Shl: 0x74,
  f32Add: 0x92,
  simd: 0xfd,
} as const;
// SIMD opcodes follow the 0xfd prefix as unsigned LEB128.
const v128Load = [op.simd, 0x00];
const v128Const = [op.simd, 0x0c];
const f32x4ExtractLane = [op.simd, 0x1f];
const f32x4Add = [op.simd, 0xe4, 0x01];
const f32x4Mul = [op.simd, 0xe6, 0x01];

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

const lane = (i: number) => [op.get, ACC_A, ...f32x4ExtractLane, i];
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
  op.get,
  ROWS,
  op.i32Eqz,
  op.get,
  NQ,
  op.i32Eqz,
  op.i32Or,
  op.brIf,
  0,
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
  op.get,
  ACC_A,
  op.get,
  ACC_B,
  ...f32x4Add,
  op.set,
  ACC_A,
  // out[r × nq + k] = lane 0 + lane 1 + lane 2 + lane 3
  op.get,
  OUT,
  ...lane(0),
  ...lane(1),
  op.f32Add,
  ...lane(2),
  op.f32Add,
  ...lane(3),
  op.f32Add,
  op.f32Store,
  2,
  0,
  ...advance(OUT, [op.i32Const, 4]),
  ...advance(Q, [op.get, ROW_BYTES]),
  ...countTo(K, NQ),
  op.end,
  ...advance(M, [op.get, ROW_BYTES]),
  ...countTo(R, ROWS),
  op.end,
  op.end,
  op.end,
];

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

const moduleBytes = new Uint8Array([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  ...section(1, [1, 0x60, 6, I32, I32, I32, I32, I32, I32, 0]),
  ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 1]),
  ...section(3, [1, 0]),
  ...section(7, [1, ...name("dots"), 0x00, 0]),
  ...section(10, [1, ...vec(body)]),
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

/**
 * A row-major matrix in WebAssembly memory, with room after it for MAX_QUERIES query vectors and
 * their dot products with every row, and the kernel bound to it. Rows must be a multiple of 8
 * floats long.
 */
export class SimdMatrix {
  static readonly MAX_QUERIES = 9;
  readonly matrix: Float32Array;
  private readonly queries: Float32Array;
  private readonly out: Float32Array;
  private readonly dots: (m: number, qs: number, out: number, rows: number, dims: number, nq: number) => void;

  private constructor(
    memory: WasmMemory,
    instance: { exports: Record<string, unknown> },
    readonly rows: number,
    readonly dims: number,
  ) {
    const cells = rows * dims;
    const max = SimdMatrix.MAX_QUERIES;
    this.matrix = new Float32Array(memory.buffer, 0, cells);
    this.queries = new Float32Array(memory.buffer, cells * 4, dims * max);
    this.out = new Float32Array(memory.buffer, (cells + dims * max) * 4, rows * max);
    this.dots = instance.exports.dots as SimdMatrix["dots"];
  }

  /** Null when the runtime has no WebAssembly SIMD, the rows are not a multiple of 8, or it is too big. */
  static create(rows: number, dims: number): SimdMatrix | null {
    if (dims === 0 || dims % 8 !== 0 || rows === 0) return null;
    const module = kernelModule();
    if (!module) return null;
    const pages = Math.ceil(
      (((rows + SimdMatrix.MAX_QUERIES) * dims + rows * SimdMatrix.MAX_QUERIES) * 4) / PAGE,
    );
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
}
