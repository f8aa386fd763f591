import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import zlib from "node:zlib";
import type { Index as UsearchIndex } from "usearch";
import { yieldToEventLoop } from "../event-loop.ts";
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
 * new slot and its old one stops being live.
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
 *
 * A saved copy is opened, not read: copying a million papers' graph into memory took 4-6 s of a
 * web process's start. The base graph is memory-mapped read-only (usearch's `view`), vectors
 * written after it go to a small in-memory delta graph searched beside it (the two candidate
 * lists are merged), and a replaced or deleted paper's base slot is filtered out of results,
 * since a mapped graph cannot change. The codes are read in the background; until then the few
 * a query re-scores are read from the file. Lookups by paper id go through a slot order sorted
 * by id, saved with the copy, instead of a million-entry Map built at every start.
 */

/**
 * The header of a saved copy (`vectors-<model>.json`): format, counts, and the size and CRC-32
 * of every file of the copy. Sizes are checked before the copy is used (a truncated or partly
 * written copy is refused); the small files' checksums too, the two large files' (graph and
 * codes, hundreds of MiB at a million papers) in the background right after, as they are read.
 */
interface VectorIndexHeader {
  format: string;
  modelId: number;
  dims: number;
  watermark: number;
  /** Database time (ms) up to which deleted papers were taken out. */
  deletionsCheckedMs?: number;
  /** Slots in the ids file; the base graph holds slots below `baseSlots`, the delta the rest. */
  slots: number;
  baseSlots: number;
  /** Vectors each graph held when saved (removed ones excluded). */
  baseGraphSize: number;
  deltaGraphSize: number;
  files: Partial<Record<CopyFile, { bytes: number; crc32: number }>>;
}

type CopyFile = "graph" | "delta" | "ids" | "order" | "codes" | "deltaCodes" | "scales";
const SUFFIX: Record<CopyFile, string> = {
  graph: "usearch",
  delta: "delta.usearch",
  ids: "ids",
  order: "order",
  codes: "codes",
  deltaCodes: "delta.codes",
  scales: "scales",
};
/** Checked in the background after opening: reading them first would cost what `view` saves. */
const LARGE_FILES = new Set<CopyFile>(["graph", "codes"]);

// hnsw-i8-2: header with sizes and checksums, base + delta graphs, id order; older copies are rebuilt.
const GRAPH_FORMAT = "hnsw-i8-2";

export interface VectorHit {
  arxivId: string;
  /** Cosine similarity. */
  score: number;
}

export type VectorIndexLoad = { ok: true; index: VectorIndex } | { ok: false; reason: string };

// The graph's settings. A build's cost grows with its expansion (expansion_add), a search's with
// its own (expansion_search), and a wider search makes up for part of what a cheaper build
// loses: at 200k vectors, ef_add 40 with ef_search 256 built in 0.65x the CPU of ef_add 64 with
// ef_search 128, for recall@10 0.960 against 0.979. At 1M the ef_add-40 graph gave recall@10
// 0.741 at ef_search 256 (p50 1.5 ms) and 0.790 at 512 (p50 3.1 ms); re-scoring more candidates
// added nothing (bench/results/vector-graph.md). Smaller connectivity saved little CPU and lost
// more recall.
const EXPANSION_SEARCH = 512;
// The graph's int8 distances are close but not exact: take this many times k candidates (and at
// least MIN_CANDIDATES) and re-score them, so a neighbour ranked a little low is not lost.
const RESCORE_FACTOR = 4;
const MIN_CANDIDATES = 64;
export interface GraphSettings {
  connectivity: number;
  expansionAdd: number;
  expansionSearch: number;
  /** At least this many graph candidates are re-scored on the codes. */
  minCandidates: number;
}
const DEFAULT_GRAPH: GraphSettings = {
  connectivity: 16,
  expansionAdd: 40,
  expansionSearch: EXPANSION_SEARCH,
  minCandidates: MIN_CANDIDATES,
};
/** A graph's kind and build settings, as benchmarks report them. */
export const describeGraph = (g: Partial<GraphSettings> = {}) => {
  const s = { ...DEFAULT_GRAPH, ...g };
  return `int8 HNSW M=${s.connectivity} ef_add=${s.expansionAdd} ef_search=${s.expansionSearch}, ${s.minCandidates} candidates re-scored`;
};
export const GRAPH_DESCRIPTION = describeGraph();
/** What a built graph depends on (its search settings can change without a rebuild). */
export const GRAPH_BUILD = `int8 HNSW M=${DEFAULT_GRAPH.connectivity} ef_add=${DEFAULT_GRAPH.expansionAdd}`;
export const EXACT_LIMIT = 20_000;
// Replaced or deleted slots of a mapped graph still come back from it and are dropped after. A
// query first asks for up to MAX_EXTRA_CANDIDATES more than it needs: with few removals that
// is one search, as fast as before. When the removed ones still crowd out live ones (more than
// that many removed near the query: a deleted batch of one subject), it asks again for four
// times as many extra, up to as many as were removed (then k live ones must be among them) but
// never past MAX_WIDENED_CANDIDATES: a graph search costs about linearly in the candidates
// asked for once they pass its expansion (EXPANSION_SEARCH, 512), so the retries together cost
// at most 4/3 of the widest, about 8 times an ordinary query's search. Past that the removed ones are most of what lies near the query, and the exact scan
// of the codes answers instead: one pass over every vector, slower but bounded and complete.
// Rewriting the graph without them would cost minutes of CPU in a web process; a fresh copy
// (a model switch, a rebuild) drops them.
const MAX_EXTRA_CANDIDATES = 256;
const MAX_WIDENED_CANDIDATES = 4096;
const WIDEN_FACTOR = 4;
// Codes files up to this size are read at once; larger ones in the background, in chunks.
const EAGER_CODES_BYTES = 16 << 20;
const READ_CHUNK = 4 << 20;

export class VectorIndex {
  readonly modelId: number;
  readonly dims: number;
  watermark = 0;
  /** Database time (ms) up to which deleted papers were taken out (see SemanticSearcher). */
  deletionsCheckedMs = 0;
  /** Slots below `baseSlots`; mapped read-only when `baseMapped`, else in memory and mutable. */
  private base: UsearchIndex;
  private baseMapped = false;
  private baseSlots = 0;
  /** Vectors added after a mapped base was opened (slots from `baseSlots` on). */
  private delta: UsearchIndex | null = null;
  /** Base slots no longer live (replaced or deleted) while the base is mapped. */
  private removedInBase = 0;
  private ids: string[] = [];
  /** 1 for a live slot; a replaced or deleted paper's old slot is 0. */
  private live = new Uint8Array(0);
  private liveCount = 0;
  /** Live slots as of the last save or load, sorted by paper id: lookups by binary search. */
  private order: Uint32Array = new Uint32Array(0);
  /** Slots given to papers since (-1: removed since), which take precedence over `order`. */
  private recent = new Map<string, number>();
  private codes = new Int8Array(0);
  private scales = new Float32Array(0);
  /** While the saved codes are still being read: slots below `codesFile.resident` are in memory. */
  private codesFile: { fd: number; slots: number; resident: number } | null = null;
  /** The copy this index was opened from, for the checks after opening and for delta-only saves. */
  private opened: {
    base: string;
    header: VectorIndexHeader;
    graph: fs.Stats;
    codes: fs.Stats;
    /** Whether the codes were read and checked when opened (a small copy's are). */
    codesChecked: boolean;
  } | null = null;
  /** Set while a bulk load builds the graph off-thread; the graph is empty until it is done. */
  private builder: GraphBuilder | null = null;
  /** Slots replaced during a bulk load: the built graph still holds them. */
  private removedDuringBuild: number[] = [];

  /** Up to this many vectors, search scans the codes instead of walking the graph. */
  private readonly exactLimit: number;

  /** How new graphs are built (benchmarks compare settings; the app uses the defaults). */
  private readonly graph: GraphSettings;

  constructor(
    modelId: number,
    dims: number,
    opts: { exactLimit?: number; graph?: Partial<GraphSettings> } = {},
  ) {
    this.modelId = modelId;
    this.dims = dims;
    this.exactLimit = opts.exactLimit ?? EXACT_LIMIT;
    this.graph = { ...DEFAULT_GRAPH, ...opts.graph };
    this.base = this.newGraph();
  }

  private newGraph(): UsearchIndex {
    return new usearch.Index(
      graphOptions(this.dims, this.graph) as ConstructorParameters<typeof usearch.Index>[0],
    );
  }

  get size(): number {
    return this.liveCount;
  }

  /** Whether the base graph is a read-only mapping of a saved copy (with new vectors beside it). */
  get mapped(): boolean {
    return this.baseMapped;
  }

  private slotOf(arxivId: string): number | undefined {
    const r = this.recent.get(arxivId);
    if (r !== undefined) return r < 0 ? undefined : r;
    let lo = 0;
    let hi = this.order.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const id = this.ids[this.order[mid]];
      if (id === arxivId) return this.live[this.order[mid]] ? this.order[mid] : undefined;
      if (id < arxivId) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  private unlink(slot: number): void {
    this.live[slot] = 0;
    this.liveCount--;
    if (this.builder) this.removedDuringBuild.push(slot);
    else if (slot >= this.baseSlots && this.delta) this.delta.remove(BigInt(slot));
    else if (this.baseMapped) this.removedInBase++;
    else this.base.remove(BigInt(slot));
  }

  /** Adds or replaces vectors; `seq` moves the watermark. */
  upsert(given: { arxivId: string; vector: Float32Array; seq?: number }[]): void {
    if (given.length === 0) return;
    for (const r of given) if (r.seq !== undefined && r.seq > this.watermark) this.watermark = r.seq;
    // A paper given twice keeps its last vector only: its earlier slot, not yet in a graph when
    // unlinked, would stay in it and be counted there (a saved copy then fails its checks).
    const last = new Map(given.map((r, i) => [r.arxivId, i]));
    const rows = last.size === given.length ? given : given.filter((r, i) => last.get(r.arxivId) === i);
    const keys = new BigUint64Array(rows.length);
    const matrix = new Float32Array(rows.length * this.dims);
    rows.forEach((r, i) => {
      if (r.vector.length !== this.dims)
        throw new Error(`vector for ${r.arxivId} has ${r.vector.length} dimensions, the index ${this.dims}`);
      const old = this.slotOf(r.arxivId);
      if (old !== undefined) this.unlink(old);
      const slot = this.ids.length;
      this.ids.push(r.arxivId);
      this.recent.set(r.arxivId, slot);
      this.storeCodes(slot, r.vector);
      this.live[slot] = 1;
      this.liveCount++;
      keys[i] = BigInt(slot);
      matrix.set(r.vector, i * this.dims);
    });
    if (this.builder) this.builder.add(keys, matrix);
    else if (this.baseMapped) {
      this.delta ??= this.newGraph();
      this.delta.add(keys, matrix);
    } else {
      this.base.add(keys, matrix);
      this.baseSlots = this.ids.length;
    }
  }

  /** Takes papers out (they were deleted); returns how many were held. */
  remove(arxivIds: string[]): number {
    let removed = 0;
    for (const id of arxivIds) {
      const slot = this.slotOf(id);
      if (slot === undefined) continue;
      this.unlink(slot);
      this.recent.set(id, -1);
      removed++;
    }
    return removed;
  }

  /** From now until `finishBulk`, vectors go to a graph built on a worker thread. */
  beginBulk(): void {
    if (this.baseMapped || this.size > 0) throw new Error("a bulk load starts from an empty index");
    if (!this.builder) this.builder = new GraphBuilder(graphOptions(this.dims, this.graph));
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
      this.base.load(file);
      fs.rmSync(file, { force: true });
      for (const slot of this.removedDuringBuild) this.base.remove(BigInt(slot));
      this.removedDuringBuild = [];
      this.baseSlots = this.ids.length;
    } finally {
      this.builder = null;
    }
  }

  /** Stops an off-thread build (shutdown, or the model was replaced meanwhile). */
  async abortBulk(): Promise<void> {
    await this.builder?.abort();
  }

  private grow(slots: number): void {
    // Doubling a million papers' codes would add a quarter-GiB for a day's new papers: past
    // 64k slots grow by a quarter (still amortised O(1) per vector).
    const capacity = slots < 65_536 ? Math.max(1024, slots * 2) : Math.ceil(slots * 1.25);
    const codes = new Int8Array(capacity * this.dims);
    codes.set(this.codes);
    this.codes = codes;
    const scales = new Float32Array(capacity);
    scales.set(this.scales);
    this.scales = scales;
    const live = new Uint8Array(capacity);
    live.set(this.live);
    this.live = live;
  }

  private storeCodes(slot: number, v: Float32Array): void {
    if (slot >= this.scales.length) this.grow(slot + 1);
    let max = 0;
    for (const x of v) max = Math.max(max, Math.abs(x));
    const s = max > 0 ? 127 / max : 0;
    const o = slot * this.dims;
    for (let c = 0; c < this.dims; c++) this.codes[o + c] = Math.round(v[c] * s);
    this.scales[slot] = max / 127;
  }

  /** Makes sure a slot's codes are in memory, reading them from the saved copy if not yet. */
  private page(slot: number): void {
    const f = this.codesFile;
    if (f && slot >= f.resident && slot < f.slots)
      fs.readSync(f.fd, this.codes, slot * this.dims, this.dims, slot * this.dims);
  }

  private dot(slot: number, q: Float32Array): number {
    this.page(slot);
    const o = slot * this.dims;
    let s = 0;
    for (let c = 0; c < this.dims; c++) s += this.codes[o + c] * q[c];
    return s * this.scales[slot];
  }

  /** A paper's vector as held here (decoded from int8), or null. */
  vectorOf(arxivId: string): Float32Array | null {
    const slot = this.slotOf(arxivId);
    if (slot === undefined) return null;
    this.page(slot);
    const out = new Float32Array(this.dims);
    const o = slot * this.dims;
    for (let c = 0; c < this.dims; c++) out[c] = this.codes[o + c] * this.scales[slot];
    return out;
  }

  /** Cosine of the query with each of the papers held here. */
  cosines(query: Float32Array, arxivIds: string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const id of arxivIds) {
      const slot = this.slotOf(id);
      if (slot !== undefined) out.set(id, this.dot(slot, query));
    }
    return out;
  }

  /** The k nearest papers: exact below EXACT_LIMIT or while the graph is built, else from the graph. */
  search(vector: Float32Array, k: number): VectorHit[] {
    if (this.size === 0 || k <= 0) return [];
    if (this.size <= this.exactLimit || this.builder) return this.exact(vector, k);
    const want = Math.min(this.size, Math.max(k * RESCORE_FACTOR, this.graph.minCandidates));
    // The query is copied: usearch ignores a view's byte offset.
    const q = vector.slice();
    const slots = new Set<number>();
    /** Adds the live ones of the graph's n nearest; returns how many came back, live or not. */
    const collect = (index: UsearchIndex, n: number): number => {
      // One query: one thread, not an executor of every core for it.
      const m = index.search(q, n, 1) as InstanceType<typeof usearch.Matches>;
      for (const key of m.keys) {
        const slot = Number(key);
        if (this.live[slot]) slots.add(slot);
      }
      return m.keys.length;
    };
    let extra = Math.min(this.removedInBase, MAX_EXTRA_CANDIDATES);
    for (;;) {
      const asked = want + extra;
      const returned = collect(this.base, asked);
      // Enough live ones, or the graph has no more, or every removed one was allowed for.
      if (slots.size >= want || returned < asked || extra >= this.removedInBase) break;
      if (asked >= MAX_WIDENED_CANDIDATES) return this.exact(vector, k);
      extra = Math.min(this.removedInBase, MAX_WIDENED_CANDIDATES - want, extra * WIDEN_FACTOR);
    }
    if (this.delta && this.delta.size() > 0) collect(this.delta, want);
    const out: VectorHit[] = [];
    for (const slot of slots) out.push({ arxivId: this.ids[slot], score: this.dot(slot, vector) });
    return out.sort(byScore).slice(0, k);
  }

  /** A scan of every code with a bounded heap: no per-paper allocation, so it stays usable at a million. */
  private exact(q: Float32Array, k: number): VectorHit[] {
    this.readAllCodes();
    const heap: VectorHit[] = [];
    // The heap's root is the worst kept hit: byScore(root, x) < 0 means x is worse than the root.
    const worse = (a: VectorHit, b: VectorHit) => byScore(a, b) > 0;
    for (let slot = 0; slot < this.ids.length; slot++) {
      if (!this.live[slot]) continue;
      const score = this.dot(slot, q);
      if (heap.length < k) {
        heap.push({ arxivId: this.ids[slot], score });
        siftUp(heap, heap.length - 1, worse);
      } else if (score >= heap[0].score) {
        // Most papers score below the worst kept hit: only a possible entrant costs an object.
        const hit = { arxivId: this.ids[slot], score };
        if (worse(heap[0], hit)) {
          heap[0] = hit;
          siftDown(heap, 0, worse);
        }
      }
    }
    return heap.sort(byScore);
  }

  /** Reads the rest of the saved codes at once (a save, or an exact scan, needs them all). */
  private readAllCodes(): void {
    const f = this.codesFile;
    if (!f) return;
    const from = f.resident * this.dims;
    const bytes = f.slots * this.dims - from;
    for (let at = 0; at < bytes; ) {
      const n = fs.readSync(f.fd, this.codes, from + at, Math.min(READ_CHUNK, bytes - at), from + at);
      if (n <= 0) throw new Error("vector codes file ended early");
      at += n;
    }
    this.closeCodesFile();
  }

  private closeCodesFile(): void {
    if (!this.codesFile) return;
    fs.closeSync(this.codesFile.fd);
    this.codesFile = null;
  }

  /**
   * The checks of an opened copy that were left for after it answered: the graph's and the
   * codes' checksums, read in chunks with requests answered between (the codes stay in memory
   * as they are read). Returns why the copy cannot be trusted, or null when it is sound.
   */
  async verify(): Promise<string | null> {
    const opened = this.opened;
    if (!opened) return null;
    // A copy another process has written over since is not this one's to judge (the mapping
    // and the open codes file still hold the files this index opened), nor to read codes from.
    const graphPath = `${opened.base}.${SUFFIX.graph}`;
    if (!sameFile(opened.graph, statOrNull(graphPath))) return null;
    const graph = opened.header.files.graph;
    if (graph) {
      const crc = await fileCrc(graphPath, graph.bytes);
      if (crc !== graph.crc32) return "graph checksum mismatch";
    }
    const f = this.codesFile;
    const want = opened.header.files.codes;
    // Small codes were read and checked when the copy was opened. Large ones are checked even
    // when a scan or a save has read them all already (it does not check them).
    if (!want || opened.codesChecked) return null;
    const fd = fs.openSync(`${opened.base}.${SUFFIX.codes}`, "r");
    try {
      if (!sameFile(opened.codes, fs.fstatSync(fd))) return null;
      let crc = 0;
      const total = opened.header.baseSlots * this.dims;
      for (let at = 0; at < total; ) {
        const n = Math.min(READ_CHUNK, total - at);
        // Into the codes themselves (what a query pages in is the same bytes): read once, kept.
        if (fs.readSync(fd, this.codes, at, n, at) !== n) return "codes file ended early";
        crc = zlib.crc32(this.codes.subarray(at, at + n), crc);
        at += n;
        if (f && this.codesFile === f) f.resident = Math.floor(at / this.dims);
        await yieldToEventLoop();
      }
      if (crc !== want.crc32) return "codes checksum mismatch";
      opened.codesChecked = true;
      this.closeCodesFile();
      return null;
    } finally {
      fs.closeSync(fd);
    }
  }

  /**
   * Closes the saved codes file (the index is being replaced). usearch has no call to unmap a
   * viewed graph: the mapping goes when the index object is collected, and a copy removed or
   * replaced on disk meanwhile stays readable through it (the mapping holds the old file).
   */
  close(): void {
    this.closeCodesFile();
  }

  /**
   * Writes the copy. An index opened from a copy rewrites only what changed since (the delta
   * graph and codes, the ids, order and scales): its base graph and codes stay as they are on disk.
   */
  save(dir: string): void {
    if (this.builder) throw new Error("the vector index is still being built");
    fs.mkdirSync(dir, { recursive: true });
    const base = path.join(dir, `vectors-${this.modelId}`);
    const tmp = `${base}.${process.pid}.tmp`;
    const opened = this.opened;
    let files: VectorIndexHeader["files"] = {};
    const written: CopyFile[] = [];
    const write = (file: CopyFile, bytes: Uint8Array) => {
      fs.writeFileSync(`${tmp}.${SUFFIX[file]}`, bytes);
      files[file] = { bytes: bytes.length, crc32: zlib.crc32(bytes) };
      written.push(file);
    };
    const writeGraph = (file: CopyFile, index: UsearchIndex) => {
      const f = `${tmp}.${SUFFIX[file]}`;
      index.save(f);
      const bytes = fs.statSync(f).size;
      files[file] = { bytes, crc32: syncFileCrc(f, bytes) };
      written.push(file);
    };
    const asBytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const slots = this.ids.length;
    const d = this.dims;
    if (this.baseMapped && opened) {
      // Another process may have replaced the files meanwhile: then this one's delta does not fit them.
      const same = (a: fs.Stats, file: CopyFile) => sameFile(a, statOrNull(`${base}.${SUFFIX[file]}`));
      if (!same(opened.graph, "graph") || !same(opened.codes, "codes")) return;
      files = { graph: opened.header.files.graph, codes: opened.header.files.codes };
      if (this.delta && this.delta.size() > 0) writeGraph("delta", this.delta);
      write("deltaCodes", asBytes(this.codes.subarray(this.baseSlots * d, slots * d)));
    } else {
      this.readAllCodes();
      writeGraph("graph", this.base);
      write("codes", asBytes(this.codes.subarray(0, slots * d)));
    }
    write("scales", asBytes(this.scales.subarray(0, slots)));
    write("ids", Buffer.from(this.ids.map((id, slot) => (this.live[slot] ? id : "")).join("\n")));
    this.order = this.sortedLive();
    this.recent.clear();
    write("order", asBytes(this.order));
    const header: VectorIndexHeader = {
      format: GRAPH_FORMAT,
      modelId: this.modelId,
      dims: d,
      watermark: this.watermark,
      deletionsCheckedMs: this.deletionsCheckedMs,
      slots,
      baseSlots: this.baseSlots,
      baseGraphSize: this.baseMapped ? (opened?.header.baseGraphSize ?? 0) : Number(this.base.size()),
      deltaGraphSize: this.baseMapped && this.delta ? Number(this.delta.size()) : 0,
      files,
    };
    fs.writeFileSync(`${tmp}.json`, JSON.stringify(header));
    // The header last: a reader that sees it sees files at least as new, and checks each against it.
    for (const file of written) fs.renameSync(`${tmp}.${SUFFIX[file]}`, `${base}.${SUFFIX[file]}`);
    if (!files.delta) fs.rmSync(`${base}.${SUFFIX.delta}`, { force: true });
    if (!files.deltaCodes) fs.rmSync(`${base}.${SUFFIX.deltaCodes}`, { force: true });
    fs.renameSync(`${tmp}.json`, `${base}.json`);
    if (opened) opened.header = header;
  }

  /** Live slots sorted by paper id: the saved order merged with the slots given out since. */
  private sortedLive(): Uint32Array {
    const before = this.order.filter((slot) => this.live[slot] === 1);
    const since = [...this.recent.values()]
      .filter((slot) => slot >= 0 && this.live[slot] === 1)
      .sort((a, b) => (this.ids[a] < this.ids[b] ? -1 : this.ids[a] > this.ids[b] ? 1 : 0));
    const out = new Uint32Array(before.length + since.length);
    let i = 0;
    let j = 0;
    let o = 0;
    while (i < before.length || j < since.length) {
      if (j >= since.length || (i < before.length && this.ids[before[i]] < this.ids[since[j]]))
        out[o++] = before[i++];
      else out[o++] = since[j++];
    }
    return out;
  }

  /**
   * Opens a saved copy: the base graph mapped, the small files read and checked, the large ones'
   * checksums left to `verify`. Refuses, with the reason, a copy that is missing, of another
   * model or format, or whose files do not match its header.
   */
  static open(
    dir: string,
    modelId: number,
    dims: number,
    opts: { exactLimit?: number; eagerCodesBytes?: number; graph?: Partial<GraphSettings> } = {},
  ): VectorIndexLoad {
    const eagerCodesBytes = opts.eagerCodesBytes ?? EAGER_CODES_BYTES;
    const base = path.join(dir, `vectors-${modelId}`);
    const fail = (reason: string): VectorIndexLoad => ({ ok: false, reason });
    let header: VectorIndexHeader;
    try {
      header = JSON.parse(fs.readFileSync(`${base}.json`, "utf8")) as VectorIndexHeader;
    } catch (err) {
      return fail((err as NodeJS.ErrnoException).code === "ENOENT" ? "no saved copy" : "header unreadable");
    }
    if (header.format !== GRAPH_FORMAT) return fail(`format ${header.format ?? "1"}, not ${GRAPH_FORMAT}`);
    if (header.modelId !== modelId || header.dims !== dims) return fail("another model's copy");
    const stats: Partial<Record<CopyFile, fs.Stats>> = {};
    for (const [file, want] of Object.entries(header.files) as [CopyFile, { bytes: number }][]) {
      const st = statOrNull(`${base}.${SUFFIX[file]}`);
      if (!st) return fail(`${SUFFIX[file]} file missing`);
      if (st.size !== want.bytes) return fail(`${SUFFIX[file]} file is ${st.size} bytes, not ${want.bytes}`);
      stats[file] = st;
    }
    const { slots, baseSlots } = header;
    if (!stats.graph || !stats.codes || !stats.ids || !stats.order || !stats.scales)
      return fail("header lists no graph, codes, ids, order or scales");
    if (stats.codes.size !== baseSlots * dims || stats.scales.size !== slots * 4)
      return fail("codes or scales do not match the slot count");
    if ((stats.deltaCodes?.size ?? 0) !== (slots - baseSlots) * dims) return fail("delta codes do not match");
    if (slots === 0) {
      const empty = new VectorIndex(modelId, dims, { exactLimit: opts.exactLimit });
      empty.watermark = header.watermark;
      empty.deletionsCheckedMs = header.deletionsCheckedMs ?? 0;
      return { ok: true, index: empty };
    }
    const small: Partial<Record<CopyFile, Buffer>> = {};
    for (const file of Object.keys(header.files) as CopyFile[]) {
      if (LARGE_FILES.has(file) && !(file === "codes" && (stats.codes?.size ?? 0) <= eagerCodesBytes))
        continue;
      const bytes = fs.readFileSync(`${base}.${SUFFIX[file]}`);
      if (zlib.crc32(bytes) !== header.files[file]?.crc32) return fail(`${SUFFIX[file]} checksum mismatch`);
      small[file] = bytes;
    }
    const vi = new VectorIndex(modelId, dims, { exactLimit: opts.exactLimit, graph: opts.graph });
    try {
      vi.base.view(`${base}.${SUFFIX.graph}`);
      if (Number(vi.base.size()) !== header.baseGraphSize || vi.base.dimensions() !== dims)
        return fail("graph does not match the header");
      if (header.files.delta) {
        vi.delta = vi.newGraph();
        vi.delta.load(`${base}.${SUFFIX.delta}`);
        if (Number(vi.delta.size()) !== header.deltaGraphSize)
          return fail("delta graph does not match the header");
      }
    } catch (err) {
      return fail(`graph unreadable: ${(err as Error).message}`);
    }
    vi.baseMapped = true;
    vi.baseSlots = baseSlots;
    vi.opened = {
      base,
      header,
      graph: stats.graph,
      codes: stats.codes,
      codesChecked: small.codes !== undefined,
    };
    vi.watermark = header.watermark;
    vi.deletionsCheckedMs = header.deletionsCheckedMs ?? 0;
    vi.ids = slots === 0 ? [] : (small.ids as Buffer).toString("utf8").split("\n");
    if (vi.ids.length !== slots) return fail("ids do not match the slot count");
    const order = small.order as Buffer;
    vi.order = new Uint32Array(order.buffer.slice(order.byteOffset, order.byteOffset + order.length));
    vi.grow(slots);
    const scales = small.scales as Buffer;
    vi.scales.set(
      new Float32Array(scales.buffer.slice(scales.byteOffset, scales.byteOffset + scales.length)),
    );
    for (const slot of vi.order) {
      if (slot >= slots) return fail("order names a slot past the end");
      vi.live[slot] = 1;
    }
    vi.liveCount = vi.order.length;
    // The mapped graph keeps slots replaced after it was written; the delta graph does not.
    let liveInBase = 0;
    for (const slot of vi.order) if (slot < baseSlots) liveInBase++;
    if (liveInBase > header.baseGraphSize || vi.liveCount - liveInBase !== header.deltaGraphSize)
      return fail("live papers do not match the graphs");
    vi.removedInBase = header.baseGraphSize - liveInBase;
    if (small.deltaCodes) vi.codes.set(small.deltaCodes, baseSlots * dims);
    if (small.codes) vi.codes.set(small.codes);
    else vi.codesFile = { fd: fs.openSync(`${base}.${SUFFIX.codes}`, "r"), slots: baseSlots, resident: 0 };
    return { ok: true, index: vi };
  }

  /** Opens a saved copy (see `open`), or null when there is none or it is refused. */
  static load(dir: string, modelId: number, dims: number): VectorIndex | null {
    const r = VectorIndex.open(dir, modelId, dims);
    return r.ok ? r.index : null;
  }

  /** Removes saved copies of other models, which a model switch leaves behind. */
  static removeOthers(dir: string, modelId: number): void {
    if (!fs.existsSync(dir)) return;
    for (const f of fs.readdirSync(dir))
      if (/^vectors-\d+\.(usearch|json|codes|scales|ids|order|delta\.usearch|delta\.codes)$/.test(f))
        if (!f.startsWith(`vectors-${modelId}.`)) fs.rmSync(path.join(dir, f), { force: true });
  }

  /** Removes this model's saved copy (it failed its checks). */
  static removeCopy(dir: string, modelId: number): void {
    for (const suffix of [...Object.values(SUFFIX), "json"])
      fs.rmSync(path.join(dir, `vectors-${modelId}.${suffix}`), { force: true });
  }
}

/** Whether `b` is still the file `a` was: same inode, size and modification time. */
function sameFile(a: fs.Stats, b: fs.Stats | null): boolean {
  return b !== null && b.ino === a.ino && b.size === a.size && b.mtimeMs === a.mtimeMs;
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}

/**
 * CRC-32 of a file's first `bytes`, a chunk at a time: yields the running checksum after each
 * chunk (so a caller can answer requests between), and -1 when the file ends early.
 */
function* fileCrcSteps(file: string, bytes: number): Generator<number> {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(READ_CHUNK);
    let crc = 0;
    for (let at = 0; at < bytes; ) {
      const n = fs.readSync(fd, buf, 0, Math.min(READ_CHUNK, bytes - at), at);
      if (n <= 0) return yield -1;
      crc = zlib.crc32(buf.subarray(0, n), crc);
      at += n;
      yield crc;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The checksum of a large file, with requests answered between its chunks. */
async function fileCrc(file: string, bytes: number): Promise<number> {
  let crc = 0;
  for (const step of fileCrcSteps(file, bytes)) {
    crc = step;
    if (step < 0) break;
    await yieldToEventLoop();
  }
  return crc;
}

function syncFileCrc(file: string, bytes: number): number {
  let crc = 0;
  for (const step of fileCrcSteps(file, bytes)) {
    if (step < 0) throw new Error(`${file} ended early`);
    crc = step;
  }
  return crc;
}

function graphOptions(dims: number, g: GraphSettings): GraphOptions {
  return {
    dimensions: dims,
    metric: usearch.MetricKind.IP,
    quantization: usearch.ScalarKind.I8,
    connectivity: g.connectivity,
    expansion_add: g.expansionAdd,
    expansion_search: g.expansionSearch,
    multi: false,
  };
}

/** Best first; equal scores in id order, so results are stable. */
function byScore(a: VectorHit, b: VectorHit): number {
  return b.score - a.score || (a.arxivId < b.arxivId ? -1 : a.arxivId > b.arxivId ? 1 : 0);
}
