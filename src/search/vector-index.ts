import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Index as UsearchIndex } from "usearch";
import { siftDown, siftUp } from "../heap.ts";
import { GraphBuilder, type GraphOptions } from "./vector-graph-builder.ts";

// usearch's ESM entry recurses forever on Node 20; its CommonJS build works.
const usearch = createRequire(import.meta.url)("usearch") as typeof import("usearch");

/**
 * The in-process approximate-nearest-neighbour index over one model's paper vectors (usearch
 * HNSW, inner product over unit vectors = cosine). It is derived data: the database is the
 * truth, and the index records the model id and the highest row sequence (watermark) it holds,
 * so a copy on disk can be topped up with only the rows written since, or thrown away and
 * rebuilt when it belongs to another model or is ahead of the database.
 *
 * usearch keys are integers, so each paper gets a slot number; a re-embedded paper moves to a
 * new slot and its old one is removed from the graph.
 *
 * Beside the graph, every vector is also kept as int8 codes with a per-vector scale (a quarter
 * of the float32 memory): hybrid ranking needs the cosine of keyword candidates that the graph
 * search did not return, and below EXACT_LIMIT vectors a scan of the codes is exact search,
 * faster than walking a graph and never missing a neighbour.
 *
 * The graph itself stores int8 too (usearch's i8 scalar kind: a quarter of the memory and faster
 * distances than float32), and the graph's candidates are re-scored on the per-vector-scaled
 * codes, which are more precise than usearch's fixed scaling, before the best k are returned.
 * A bulk load (a first start without a saved copy, a model switch) builds the graph on a worker
 * thread (vector-graph-builder.ts); meanwhile searches scan the codes, exact but slower.
 */
interface VectorIndexMeta {
  modelId: number;
  dims: number;
  watermark: number;
  /** arXiv id by slot; null for a removed slot. */
  ids: (string | null)[];
  /** How the graph stores vectors; a copy saved by an older version is rebuilt. */
  graph?: string;
}

const GRAPH_FORMAT = "hnsw-i8-1";

export interface VectorHit {
  arxivId: string;
  /** Cosine similarity. */
  score: number;
}

// A higher search expansion than usearch's default trades a little speed for recall; below a
// few tens of thousands of vectors it makes the search practically exact.
const EXPANSION_SEARCH = 128;
// The build's own expansion matters far less than the search's: at 100k vectors 64 built 1.6×
// less CPU than 128 for recall@10 0.923 against 0.925 (bench/results/vector-graph.md).
const EXPANSION_ADD = 64;
const CONNECTIVITY = 16;
export const EXACT_LIMIT = 20_000;
// The graph's int8 distances are close but not exact: take this many times k candidates and
// re-score them, so a neighbour ranked a little low by the graph is not lost.
const RESCORE_FACTOR = 4;
const MIN_CANDIDATES = 64;

export class VectorIndex {
  readonly modelId: number;
  readonly dims: number;
  watermark = 0;
  private index: UsearchIndex;
  private ids: (string | null)[] = [];
  private slotOf = new Map<string, number>();
  private codes = new Int8Array(0);
  private scales = new Float32Array(0);
  /** Set while a bulk load builds the graph off-thread; the graph is empty until it is done. */
  private builder: GraphBuilder | null = null;
  /** Slots replaced during a bulk load: the built graph still holds them. */
  private removedDuringBuild: number[] = [];

  /** Up to this many vectors, search scans the codes instead of walking the graph. */
  private readonly exactLimit: number;

  constructor(modelId: number, dims: number, opts: { exactLimit?: number } = {}) {
    this.modelId = modelId;
    this.dims = dims;
    this.exactLimit = opts.exactLimit ?? EXACT_LIMIT;
    this.index = newIndex(dims);
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Adds or replaces vectors; `seq` moves the watermark. */
  upsert(rows: { arxivId: string; vector: Float32Array; seq?: number }[]): void {
    if (rows.length === 0) return;
    const keys = new BigUint64Array(rows.length);
    const matrix = new Float32Array(rows.length * this.dims);
    rows.forEach((r, i) => {
      if (r.vector.length !== this.dims)
        throw new Error(`vector for ${r.arxivId} has ${r.vector.length} dimensions, the index ${this.dims}`);
      const old = this.slotOf.get(r.arxivId);
      if (old !== undefined) {
        if (this.builder) this.removedDuringBuild.push(old);
        else this.index.remove(BigInt(old));
        this.ids[old] = null;
      }
      const slot = this.ids.length;
      this.ids.push(r.arxivId);
      this.slotOf.set(r.arxivId, slot);
      keys[i] = BigInt(slot);
      matrix.set(r.vector, i * this.dims);
      this.storeCodes(slot, r.vector);
      if (r.seq !== undefined && r.seq > this.watermark) this.watermark = r.seq;
    });
    if (this.builder) this.builder.add(keys, matrix);
    else this.index.add(keys, matrix);
  }

  /** From now until `finishBulk`, vectors go to a graph built on a worker thread. */
  beginBulk(): void {
    if (!this.builder) this.builder = new GraphBuilder(graphOptions(this.dims));
  }

  /** Whether searches still scan the codes because the graph is being built. */
  get building(): boolean {
    return this.builder !== null;
  }

  /** Waits for the off-thread graph and takes it in; searches use it from then on. */
  async finishBulk(): Promise<void> {
    const builder = this.builder;
    if (!builder) return;
    try {
      const file = await builder.finish();
      this.index.load(file);
      fs.rmSync(file, { force: true });
      for (const slot of this.removedDuringBuild) this.index.remove(BigInt(slot));
      this.removedDuringBuild = [];
    } finally {
      this.builder = null;
    }
  }

  /** Stops an off-thread build (shutdown, or the model was replaced meanwhile). */
  async abortBulk(): Promise<void> {
    await this.builder?.abort();
  }

  private storeCodes(slot: number, v: Float32Array): void {
    if ((slot + 1) * this.dims > this.codes.length) {
      // Doubling a million papers' codes would add a quarter-GiB for a day's new papers: past
      // 64k slots grow by a quarter (still amortised O(1) per vector).
      const slots = slot < 65_536 ? Math.max(1024, (slot + 1) * 2) : Math.ceil((slot + 1) * 1.25);
      const codes = new Int8Array(slots * this.dims);
      codes.set(this.codes);
      this.codes = codes;
      const scales = new Float32Array(codes.length / this.dims);
      scales.set(this.scales);
      this.scales = scales;
    }
    let max = 0;
    for (const x of v) max = Math.max(max, Math.abs(x));
    const s = max > 0 ? 127 / max : 0;
    const o = slot * this.dims;
    for (let c = 0; c < this.dims; c++) this.codes[o + c] = Math.round(v[c] * s);
    this.scales[slot] = max / 127;
  }

  private dot(slot: number, q: Float32Array): number {
    const o = slot * this.dims;
    let s = 0;
    for (let c = 0; c < this.dims; c++) s += this.codes[o + c] * q[c];
    return s * this.scales[slot];
  }

  /** A paper's vector as held here (decoded from int8), or null. */
  vectorOf(arxivId: string): Float32Array | null {
    const slot = this.slotOf.get(arxivId);
    if (slot === undefined) return null;
    const out = new Float32Array(this.dims);
    const o = slot * this.dims;
    for (let c = 0; c < this.dims; c++) out[c] = this.codes[o + c] * this.scales[slot];
    return out;
  }

  /** Cosine of the query with each of the papers held here. */
  cosines(query: Float32Array, arxivIds: string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const id of arxivIds) {
      const slot = this.slotOf.get(id);
      if (slot !== undefined) out.set(id, this.dot(slot, query));
    }
    return out;
  }

  /** The k nearest papers: exact below EXACT_LIMIT or while the graph is built, else from the graph. */
  search(vector: Float32Array, k: number): VectorHit[] {
    if (this.size === 0 || k <= 0) return [];
    if (this.size <= this.exactLimit || this.builder) return this.exact(vector, k);
    const want = Math.min(this.size, Math.max(k * RESCORE_FACTOR, MIN_CANDIDATES));
    // The query is copied: usearch ignores a view's byte offset.
    const m = this.index.search(vector.slice(), want, 0) as InstanceType<typeof usearch.Matches>;
    const out: VectorHit[] = [];
    for (let i = 0; i < m.keys.length; i++) {
      const slot = Number(m.keys[i]);
      const id = this.ids[slot];
      if (id) out.push({ arxivId: id, score: this.dot(slot, vector) });
    }
    return out.sort(byScore).slice(0, k);
  }

  /** A scan of every code with a bounded heap: no per-paper allocation, so it stays usable at a million. */
  private exact(q: Float32Array, k: number): VectorHit[] {
    const heap: VectorHit[] = [];
    // The heap's root is the worst kept hit: byScore(root, x) < 0 means x is worse than the root.
    const worse = (a: VectorHit, b: VectorHit) => byScore(a, b) > 0;
    for (let slot = 0; slot < this.ids.length; slot++) {
      const arxivId = this.ids[slot];
      if (arxivId === null) continue;
      const score = this.dot(slot, q);
      if (heap.length < k) {
        heap.push({ arxivId, score });
        siftUp(heap, heap.length - 1, worse);
      } else if (score >= heap[0].score) {
        // Most papers score below the worst kept hit: only a possible entrant costs an object.
        const hit = { arxivId, score };
        if (worse(heap[0], hit)) {
          heap[0] = hit;
          siftDown(heap, 0, worse);
        }
      }
    }
    return heap.sort(byScore);
  }

  save(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    const base = path.join(dir, `vectors-${this.modelId}`);
    const tmp = `${base}.${process.pid}.tmp`;
    this.index.save(`${tmp}.usearch`);
    const meta: VectorIndexMeta = {
      modelId: this.modelId,
      dims: this.dims,
      watermark: this.watermark,
      ids: this.ids,
      graph: GRAPH_FORMAT,
    };
    fs.writeFileSync(`${tmp}.json`, JSON.stringify(meta));
    fs.writeFileSync(`${tmp}.codes`, this.codes.subarray(0, this.ids.length * this.dims));
    fs.writeFileSync(`${tmp}.scales`, new Uint8Array(this.scales.buffer, 0, this.ids.length * 4));
    // Rename the graph first: a reader that sees the new meta also sees a graph at least as new.
    fs.renameSync(`${tmp}.usearch`, `${base}.usearch`);
    fs.renameSync(`${tmp}.codes`, `${base}.codes`);
    fs.renameSync(`${tmp}.scales`, `${base}.scales`);
    fs.renameSync(`${tmp}.json`, `${base}.json`);
  }

  /** Loads a saved copy, or null when there is none or it cannot be read. */
  static load(dir: string, modelId: number, dims: number): VectorIndex | null {
    const base = path.join(dir, `vectors-${modelId}`);
    try {
      const meta = JSON.parse(fs.readFileSync(`${base}.json`, "utf8")) as VectorIndexMeta;
      if (meta.modelId !== modelId || meta.dims !== dims || meta.graph !== GRAPH_FORMAT) return null;
      const vi = new VectorIndex(modelId, dims);
      vi.index.load(`${base}.usearch`);
      vi.ids = meta.ids;
      const codes = fs.readFileSync(`${base}.codes`);
      const scales = fs.readFileSync(`${base}.scales`);
      if (codes.length !== meta.ids.length * dims || scales.length !== meta.ids.length * 4) return null;
      // Views, not copies (a copy would double a quarter-GiB at a million papers while it is
      // made); a small file's Buffer may sit in the shared pool at an unaligned offset, so copy it.
      vi.codes = new Int8Array(codes.buffer, codes.byteOffset, codes.length);
      vi.scales =
        scales.byteOffset % 4 === 0
          ? new Float32Array(scales.buffer, scales.byteOffset, scales.length / 4)
          : new Float32Array(scales.buffer.slice(scales.byteOffset, scales.byteOffset + scales.length));
      vi.watermark = meta.watermark;
      meta.ids.forEach((id, slot) => {
        if (id) vi.slotOf.set(id, slot);
      });
      if (vi.index.size() !== vi.slotOf.size) return null;
      return vi;
    } catch {
      return null;
    }
  }

  /** Removes saved copies of other models, which a model switch leaves behind. */
  static removeOthers(dir: string, modelId: number): void {
    if (!fs.existsSync(dir)) return;
    for (const f of fs.readdirSync(dir))
      if (/^vectors-\d+\.(usearch|json|codes|scales)$/.test(f) && !f.startsWith(`vectors-${modelId}.`))
        fs.rmSync(path.join(dir, f), { force: true });
  }
}

function graphOptions(dims: number): GraphOptions {
  return {
    dimensions: dims,
    metric: usearch.MetricKind.IP,
    quantization: usearch.ScalarKind.I8,
    connectivity: CONNECTIVITY,
    expansion_add: EXPANSION_ADD,
    expansion_search: EXPANSION_SEARCH,
    multi: false,
  };
}

function newIndex(dims: number): UsearchIndex {
  return new usearch.Index(graphOptions(dims) as ConstructorParameters<typeof usearch.Index>[0]);
}

/** Best first; equal scores in id order, so results are stable. */
function byScore(a: VectorHit, b: VectorHit): number {
  return b.score - a.score || (a.arxivId < b.arxivId ? -1 : a.arxivId > b.arxivId ? 1 : 0);
}
