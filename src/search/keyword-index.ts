import { type Bm25Params, DEFAULT_BM25, idf, lengthNorm } from "./bm25.ts";
import { analyze } from "./text.ts";

/**
 * An in-process inverted index with BM25F ranking (see bm25.ts), derived from the papers table.
 * Postgres' ts_rank has no idf and ranks every match, which is slow for common words at a
 * million papers (anchors.md); this index scores only what it must, on typed arrays.
 *
 * Layout, per term: the papers that contain it (Uint32 ids, ascending) and their term counts
 * packed in 16 bits: title 4 bits (capped at 15), authors 2 bits (capped at 3), abstract 10
 * bits (capped at 1023). That is 6 bytes per posting. The caps never bite in practice and
 * saturation (k1) makes the counts beyond them almost worthless anyway. Per paper: three field
 * lengths, the inverse length norms, the publication day and the modification time.
 *
 * Updates append: a changed paper gets a new id and its old id is marked dead. Dead postings
 * are skipped when scoring but still count in N and df until the index is rebuilt
 * (`deadRatio` tells the owner when that is worth it).
 */

export interface IndexDoc {
  arxivId: string;
  title: string;
  /** Author names joined with ", ". */
  authors: string;
  abstract: string;
  categories: string[];
  /** First-publication day `YYYY-MM-DD`, or null when unknown. */
  publishedDay: string | null;
  /** When the row last changed, in ms; a paper is re-indexed only when this moves. */
  modifiedMs: number;
}

export interface RankOptions {
  terms: string[];
  /** Terms every result must contain (the words of quoted phrases). */
  required?: string[];
  excluded?: string[];
  /** Stemmed words that must all appear among the authors, one list per author: filter. */
  authorTerms?: string[][];
  /** Lower-case categories or archives (`cs.cv`, `cs`); a paper needs any of them. */
  categories?: string[];
  after?: string | null;
  before?: string | null;
  /** How many of the best to return, in order. */
  k: number;
  /** A factor on some terms' idf (words that search added, such as acronym expansions); default 1. */
  weights?: Map<string, number>;
  /** Score every posting, without pruning: the reference that pruning must agree with. */
  exhaustive?: boolean;
}

export interface Ranked {
  total: number;
  docs: { docId: number; arxivId: string; score: number }[];
}

/**
 * The live part of an index as flat arrays, for writing to and reading from a file
 * (keyword-index-file.ts). Paper numbers are compacted: dead versions are left out, so a saved
 * and reloaded index has no dead postings and its N and df count only live papers.
 */
export interface KeywordIndexSnapshot {
  ids: string[];
  /** Three field lengths (title, authors, abstract) per paper. */
  lens: Uint16Array;
  days: Int32Array;
  modified: Float64Array;
  terms: string[];
  /** Postings per term, in the order of `terms`. */
  termCounts: Uint32Array;
  postingDocs: Uint32Array;
  postingTfs: Uint16Array;
  cats: string[];
  catCounts: Uint32Array;
  catDocs: Uint32Array;
}

class Postings {
  docs: Uint32Array<ArrayBufferLike> = new Uint32Array(4);
  tfs: Uint16Array<ArrayBufferLike> = new Uint16Array(4);
  n = 0;
  /** Postings over views of a loaded file: no copy until the term gets a new paper. */
  static over(docs: Uint32Array<ArrayBufferLike>, tfs: Uint16Array<ArrayBufferLike>): Postings {
    const p = new Postings();
    p.docs = docs;
    p.tfs = tfs;
    p.n = docs.length;
    return p;
  }
  push(doc: number, tf: number): void {
    if (this.n === this.docs.length) {
      const docs = new Uint32Array(this.n * 2);
      docs.set(this.docs);
      this.docs = docs;
      const tfs = new Uint16Array(this.n * 2);
      tfs.set(this.tfs);
      this.tfs = tfs;
    }
    this.docs[this.n] = doc;
    this.tfs[this.n++] = tf;
  }
  has(doc: number): boolean {
    let lo = 0;
    let hi = this.n - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const d = this.docs[mid];
      if (d === doc) return true;
      if (d < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

// At a million papers a bitmap is 125 KiB: this many is 8 MiB.
const BITMAPS_KEPT = 64;
const END = 0xffffffff;
const DAY_MS = 86_400_000;
const NO_DAY = -2_147_483_648;
const dayNumber = (day: string | null): number =>
  day ? Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS) : NO_DAY;

// Days seen so far and their years: a corpus spans a few thousand days, and Date is slow.
const yearOfDay = new Map<number, number>();
function yearOf(day: number): number {
  let year = yearOfDay.get(day);
  if (year === undefined) {
    year = new Date(day * DAY_MS).getUTCFullYear();
    yearOfDay.set(day, year);
  }
  return year;
}

function grow<T extends Float32Array | Float64Array | Int32Array | Uint16Array | Uint8Array>(
  a: T,
  size: number,
): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

export class KeywordIndex {
  readonly params: Bm25Params;
  private terms = new Map<string, Postings>();
  private cats = new Map<string, number[]>();
  private ids: string[] = [];
  private docOf = new Map<string, number>();
  private alive = new Uint8Array(1024);
  private lens = new Uint16Array(3 * 1024);
  private invNorm = new Float32Array(3 * 1024);
  private days = new Int32Array(1024);
  private modified = new Float64Array(1024);
  private lenSums = [0, 0, 0];
  private normsFresh = false;
  private dead = 0;
  private scores = new Float32Array(1024);
  private reqHits = new Uint8Array(1024);
  private touched = new Uint32Array(1024);
  /** Common terms' papers as bits, for counting matches (countMatches); dropped when they change. */
  private bitsCache = new Map<string, Int32Array>();
  /** Live papers as bits; dropped when a paper is added or removed. */
  private aliveBitsCache: Int32Array | null = null;
  /** Each category's papers as bits, for filters; dropped when the category gets a paper. */
  private catBitsCache = new Map<string, Int32Array>();
  /**
   * Papers by year of first publication, and the same as bits (cached), for date filters; made
   * at the first date filter, not at load, which a process without date filters never pays.
   */
  private yearDocs: Map<number, number[]> | null = null;
  private yearBitsCache = new Map<number, Int32Array>();

  /** `analyzeText` is the shared analyser; benchmarks pass others to compare them. */
  constructor(
    params: Bm25Params = DEFAULT_BM25,
    private readonly analyzeText: (text: string) => string[] = analyze,
  ) {
    this.params = params;
  }

  /** Papers currently searchable. */
  get size(): number {
    return this.ids.length - this.dead;
  }

  get deadRatio(): number {
    return this.ids.length === 0 ? 0 : this.dead / this.ids.length;
  }

  modifiedMsOf(arxivId: string): number | undefined {
    const d = this.docOf.get(arxivId);
    return d === undefined ? undefined : this.modified[d];
  }

  /** Adds a paper, or replaces the indexed version of it. Returns false when it was current. */
  add(doc: IndexDoc): boolean {
    const old = this.docOf.get(doc.arxivId);
    if (old !== undefined) {
      if (this.modified[old] === doc.modifiedMs) return false;
      this.alive[old] = 0;
      this.dead++;
      for (let f = 0; f < 3; f++) this.lenSums[f] -= this.lens[old * 3 + f];
    }
    const id = this.ids.length;
    this.ensureCapacity(id + 1);
    this.ids.push(doc.arxivId);
    this.docOf.set(doc.arxivId, id);
    this.alive[id] = 1;
    this.days[id] = dayNumber(doc.publishedDay);
    this.modified[id] = doc.modifiedMs;

    const counts = new Map<string, number>();
    const fields = [
      this.analyzeText(doc.title),
      this.analyzeText(doc.authors),
      this.analyzeText(doc.abstract),
    ];
    const shifts = [12, 10, 0];
    const caps = [15, 3, 1023];
    for (let f = 0; f < 3; f++) {
      const len = Math.min(fields[f].length, 65535);
      this.lens[id * 3 + f] = len;
      this.lenSums[f] += len;
      const shift = shifts[f];
      const cap = caps[f];
      for (const t of fields[f]) {
        const packed = counts.get(t) ?? 0;
        if (((packed >> shift) & cap) < cap) counts.set(t, packed + (1 << shift));
      }
    }
    for (const [t, packed] of counts) {
      let p = this.terms.get(t);
      if (!p) {
        p = new Postings();
        this.terms.set(t, p);
      }
      p.push(id, packed);
      if (this.bitsCache.size > 0) this.bitsCache.delete(t);
    }
    this.aliveBitsCache = null;
    for (const c of new Set(doc.categories.map((c) => c.toLowerCase()))) {
      const list = this.cats.get(c);
      if (list) list.push(id);
      else this.cats.set(c, [id]);
      this.catBitsCache.delete(c);
    }
    this.addToYear(id);
    this.normsFresh = false;
    return true;
  }

  private addToYear(id: number): void {
    if (!this.yearDocs || this.days[id] === NO_DAY) return;
    const year = yearOf(this.days[id]);
    const list = this.yearDocs.get(year);
    if (list) list.push(id);
    else this.yearDocs.set(year, [id]);
    this.yearBitsCache.delete(year);
  }

  private papersByYear(): Map<number, number[]> {
    if (!this.yearDocs) {
      this.yearDocs = new Map();
      for (let d = 0; d < this.ids.length; d++) this.addToYear(d);
    }
    return this.yearDocs;
  }

  /** Takes a paper out of results (it was deleted); its postings go at the next compaction. */
  remove(arxivId: string): boolean {
    const d = this.docOf.get(arxivId);
    if (d === undefined) return false;
    this.docOf.delete(arxivId);
    this.alive[d] = 0;
    this.aliveBitsCache = null;
    this.dead++;
    for (let f = 0; f < 3; f++) this.lenSums[f] -= this.lens[d * 3 + f];
    this.normsFresh = false;
    return true;
  }

  /** Every arXiv id that is searchable. */
  liveIds(): string[] {
    return [...this.docOf.keys()];
  }

  snapshot(): KeywordIndexSnapshot {
    const n = this.ids.length;
    // Old paper number -> new one; numbers stay ascending, so postings stay sorted.
    const remap = new Int32Array(n).fill(-1);
    const ids: string[] = [];
    for (let d = 0; d < n; d++) if (this.alive[d]) remap[d] = ids.push(this.ids[d]) - 1;
    const live = ids.length;
    const lens = new Uint16Array(live * 3);
    const days = new Int32Array(live);
    const modified = new Float64Array(live);
    for (let d = 0; d < n; d++) {
      const to = remap[d];
      if (to < 0) continue;
      lens.set(this.lens.subarray(d * 3, d * 3 + 3), to * 3);
      days[to] = this.days[d];
      modified[to] = this.modified[d];
    }
    const terms: string[] = [];
    const counts: number[] = [];
    let total = 0;
    for (const [t, p] of this.terms) {
      let c = 0;
      for (let i = 0; i < p.n; i++) if (remap[p.docs[i]] >= 0) c++;
      if (c === 0) continue;
      terms.push(t);
      counts.push(c);
      total += c;
    }
    const postingDocs = new Uint32Array(total);
    const postingTfs = new Uint16Array(total);
    let o = 0;
    for (const t of terms) {
      const p = this.terms.get(t) as Postings;
      for (let i = 0; i < p.n; i++) {
        const to = remap[p.docs[i]];
        if (to < 0) continue;
        postingDocs[o] = to;
        postingTfs[o++] = p.tfs[i];
      }
    }
    const cats: string[] = [];
    const catCounts: number[] = [];
    const catDocs: number[] = [];
    for (const [c, list] of this.cats) {
      const before = catDocs.length;
      for (const d of list) if (remap[d] >= 0) catDocs.push(remap[d]);
      if (catDocs.length === before) continue;
      cats.push(c);
      catCounts.push(catDocs.length - before);
    }
    return {
      ids,
      lens,
      days,
      modified,
      terms,
      termCounts: Uint32Array.from(counts),
      postingDocs,
      postingTfs,
      cats,
      catCounts: Uint32Array.from(catCounts),
      catDocs: Uint32Array.from(catDocs),
    };
  }

  static fromSnapshot(s: KeywordIndexSnapshot, params: Bm25Params = DEFAULT_BM25): KeywordIndex {
    const index = new KeywordIndex(params);
    const n = s.ids.length;
    index.ensureCapacity(n);
    index.ids = s.ids;
    for (let d = 0; d < n; d++) index.docOf.set(s.ids[d], d);
    index.alive.fill(1, 0, n);
    index.lens.set(s.lens);
    index.days.set(s.days);
    index.modified.set(s.modified);
    for (let d = 0; d < n; d++) for (let f = 0; f < 3; f++) index.lenSums[f] += s.lens[d * 3 + f];
    let o = 0;
    for (let i = 0; i < s.terms.length; i++) {
      const c = s.termCounts[i];
      index.terms.set(
        s.terms[i],
        Postings.over(s.postingDocs.subarray(o, o + c), s.postingTfs.subarray(o, o + c)),
      );
      o += c;
    }
    o = 0;
    for (let i = 0; i < s.cats.length; i++) {
      const c = s.catCounts[i];
      index.cats.set(s.cats[i], Array.from(s.catDocs.subarray(o, o + c)));
      o += c;
    }
    return index;
  }

  /** Number of papers (live or dead, as BM25's N) that contain a term: its df. */
  docFreq(term: string): number {
    return this.terms.get(term)?.n ?? 0;
  }

  /** Whether a paper contains a stemmed term in any field. */
  contains(docId: number, term: string): boolean {
    return this.terms.get(term)?.has(docId) ?? false;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.alive.length) return;
    const size = Math.max(n, this.alive.length * 2);
    this.alive = grow(this.alive, size);
    this.lens = grow(this.lens, size * 3);
    this.invNorm = grow(this.invNorm, size * 3);
    this.days = grow(this.days, size);
    this.modified = grow(this.modified, size);
    this.scores = new Float32Array(size);
    this.reqHits = new Uint8Array(size);
    this.touched = new Uint32Array(size);
  }

  /** Average lengths move as papers arrive; norms are recomputed lazily, O(N), before a query. */
  private refreshNorms(): void {
    if (this.normsFresh) return;
    const live = this.size || 1;
    const { b } = this.params;
    const bs = [b.title, b.authors, b.abstract];
    const avg = this.lenSums.map((s) => s / live);
    // With b = 1 an empty field's norm is 0: its inverse is 0, not Infinity, which times the
    // field's zero count would make the paper's score NaN and hide it from every search.
    for (let d = 0; d < this.ids.length; d++)
      for (let f = 0; f < 3; f++) {
        const norm = lengthNorm(this.lens[d * 3 + f], avg[f], bs[f]);
        this.invNorm[d * 3 + f] = norm > 0 ? 1 / norm : 0;
      }
    this.normsFresh = true;
  }

  /**
   * The live papers that pass the filters, as bits. Categories and whole years of a date window
   * come from bitmaps kept between queries, so a filter costs a few passes over N/32 words
   * rather than over every paper; only an author filter and the days of a window's first and
   * last year look at single papers.
   */
  private gateBits(opts: RankOptions): Int32Array {
    const n = this.ids.length;
    const words = (n + 31) >>> 5;
    const alive = this.aliveBits(words);
    const authorTerms = opts.authorTerms ?? [];
    const categories = opts.categories ?? [];
    const dated = opts.after != null || opts.before != null;
    if (authorTerms.length === 0 && categories.length === 0 && !dated) return alive;
    const gate = Int32Array.from(alive);
    if (categories.length > 0) {
      const any = new Int32Array(words);
      for (const [cat, list] of this.cats)
        if (categories.some((c) => cat === c || (!c.includes(".") && cat.startsWith(`${c}.`)))) {
          const bits = cachedBits(this.catBitsCache, cat, words, list);
          for (let w = 0; w < words; w++) any[w] |= bits[w];
        }
      for (let w = 0; w < words; w++) gate[w] &= any[w];
    }
    for (const terms of authorTerms) {
      // Each word must be among the authors: count per paper and keep the full matches.
      const hits = new Uint8Array(n);
      for (const t of terms) {
        const p = this.terms.get(t);
        if (p) for (let i = 0; i < p.n; i++) if ((p.tfs[i] >> 10) & 3) hits[p.docs[i]]++;
      }
      const all = new Int32Array(words);
      for (let d = 0; d < n; d++) if (hits[d] === terms.length) all[d >>> 5] |= 1 << (d & 31);
      for (let w = 0; w < words; w++) gate[w] &= all[w];
    }
    if (dated) {
      // Undated papers never pass a date filter.
      const lo = opts.after ? dayNumber(opts.after) : NO_DAY + 1;
      const hi = opts.before ? dayNumber(opts.before) : 2_147_483_647;
      const inWindow = new Int32Array(words);
      const days = this.days;
      for (const [year, list] of this.papersByYear()) {
        const first = dayNumber(`${String(year).padStart(4, "0")}-01-01`);
        const next = dayNumber(`${String(year + 1).padStart(4, "0")}-01-01`);
        if (next <= lo || first >= hi) continue;
        if (first >= lo && next <= hi) {
          const bits = cachedBits(this.yearBitsCache, year, words, list);
          for (let w = 0; w < words; w++) inWindow[w] |= bits[w];
        } else for (const d of list) if (days[d] >= lo && days[d] < hi) inWindow[d >>> 5] |= 1 << (d & 31);
      }
      for (let w = 0; w < words; w++) gate[w] &= inWindow[w];
    }
    return gate;
  }

  /** Top-k papers by BM25F for the terms, after filters, with the count of all matches. */
  rank(opts: RankOptions): Ranked {
    this.refreshNorms();
    // The live papers that may be returned, one bit each.
    const gate = this.gateBits(opts);
    if (opts.terms.length === 0) return this.newestFirst(gate, opts.k);

    const required = new Set(opts.required ?? []);
    // Pruning needs every result to be a plain sum of term scores: required and excluded terms
    // (phrases, "-word") take the exhaustive path, as does a single term (nothing to skip).
    if (
      !opts.exhaustive &&
      required.size === 0 &&
      (opts.excluded ?? []).length === 0 &&
      new Set(opts.terms).size > 1
    )
      return this.rankMaxScore(opts, gate);
    const { k1, weight } = this.params;
    const k1p1 = k1 + 1;
    const [wT, wA, wB] = [weight.title, weight.authors, weight.abstract];
    const N = this.ids.length;
    const { scores, invNorm: inv, reqHits } = this;
    const touched = this.touched;
    let nt = 0;
    for (const t of new Set(opts.terms)) {
      const p = this.terms.get(t);
      if (!p) continue;
      const w = idf(N, p.n) * (opts.weights?.get(t) ?? 1);
      const req = required.has(t) ? 1 : 0;
      const { docs, tfs } = p;
      for (let i = 0, n = p.n; i < n; i++) {
        const d = docs[i];
        if (((gate[d >>> 5] >>> (d & 31)) & 1) === 0) continue;
        const packed = tfs[i];
        const o = d * 3;
        const tf =
          wT * (packed >> 12) * inv[o] +
          wA * ((packed >> 10) & 3) * inv[o + 1] +
          wB * (packed & 1023) * inv[o + 2];
        const before = scores[d];
        if (before === 0) touched[nt++] = d;
        scores[d] = before + (w * tf * k1p1) / (k1 + tf);
        reqHits[d] += req;
      }
    }
    for (const t of opts.excluded ?? []) {
      const p = this.terms.get(t);
      if (p) for (let i = 0; i < p.n; i++) if (scores[p.docs[i]] > 0) scores[p.docs[i]] = -1;
    }
    const needReq = [...required].filter((t) => opts.terms.includes(t)).length;
    const top = new TopK(opts.k);
    let total = 0;
    for (let i = 0; i < nt; i++) {
      const d = touched[i];
      if (scores[d] > 0 && reqHits[d] === needReq) {
        total++;
        top.offer(d, scores[d]);
      }
      scores[d] = 0;
      reqHits[d] = 0;
    }
    return { total, docs: top.sorted().map(([d, s]) => ({ docId: d, arxivId: this.ids[d], score: s })) };
  }

  /**
   * The same top k as the exhaustive loop in `rank`, by MaxScore (Turtle and Flood 1995): papers
   * are visited in id order across the terms' postings, and a term's score can never exceed
   * idf * (k1 + 1) (saturation). Once the k-th best score so far exceeds the sum of those bounds
   * over the commonest terms, a paper that holds only those terms cannot enter the top k, so
   * their postings are no longer walked, only probed for the papers that the rarer terms bring
   * (a galloping search ahead in each list, as both are in id order). A query of common words
   * thus scores a fraction of its postings. The count of all matches is a union of bitmaps.
   *
   * Scores are summed in the query's term order and rounded to float32 at each step, exactly as
   * the exhaustive loop accumulates them, so both return the same papers with the same scores.
   */
  private rankMaxScore(opts: RankOptions, gate: Int32Array): Ranked {
    const { k1, weight } = this.params;
    const k1p1 = k1 + 1;
    const [wT, wA, wB] = [weight.title, weight.authors, weight.abstract];
    const N = this.ids.length;
    const inv = this.invNorm;
    const matched: { term: string; postings: Postings }[] = [];
    const cursors: Cursor[] = [];
    for (const t of new Set(opts.terms)) {
      const p = this.terms.get(t);
      if (!p || p.n === 0) continue;
      const w = idf(N, p.n) * (opts.weights?.get(t) ?? 1);
      matched.push({ term: t, postings: p });
      cursors.push({
        docs: p.docs,
        tfs: p.tfs,
        n: p.n,
        pos: 0,
        idf: w,
        bound: w * k1p1,
        slot: cursors.length,
      });
    }
    const m = cursors.length;
    const total = this.countMatches(matched, gate);
    // Ascending bounds: the first terms are the ones that stop being walked as the bar rises.
    cursors.sort((a, b) => a.bound - b.bound);
    // upTo[j]: the most a paper can gain from terms 0..j, with room for float32 rounding.
    const upTo = new Float64Array(m);
    let boundSum = 0;
    for (let j = 0; j < m; j++) {
      boundSum += cursors[j].bound;
      upTo[j] = boundSum * (1 + 1e-6);
    }
    // Each candidate's term scores by query order; seen[t] === candidate: it has term t.
    const parts = new Float64Array(m);
    const seen = new Int32Array(m).fill(-1);
    let candidate = 0;
    const top = new TopK(opts.k);
    let bar = Number.NEGATIVE_INFINITY;
    // Terms essential..m-1 are walked; the others only probed.
    let essential = 0;
    for (;;) {
      let d = END;
      for (let j = essential; j < m; j++) {
        const c = cursors[j];
        if (c.pos < c.n && c.docs[c.pos] < d) d = c.docs[c.pos];
      }
      if (d === END) break;
      const open = ((gate[d >>> 5] >>> (d & 31)) & 1) !== 0;
      candidate++;
      let partial = 0;
      for (let j = essential; j < m; j++) {
        const c = cursors[j];
        if (c.pos < c.n && c.docs[c.pos] === d) {
          if (open) {
            const s = termScore(c, d, inv, wT, wA, wB, k1, k1p1);
            parts[c.slot] = s;
            seen[c.slot] = candidate;
            partial += s;
          }
          c.pos++;
        }
      }
      if (!open) continue;
      let j = essential - 1;
      for (; j >= 0 && partial + upTo[j] >= bar; j--) {
        const c = cursors[j];
        c.pos = seek(c.docs, c.pos, c.n, d);
        if (c.pos < c.n && c.docs[c.pos] === d) {
          const s = termScore(c, d, inv, wT, wA, wB, k1, k1p1);
          parts[c.slot] = s;
          seen[c.slot] = candidate;
          partial += s;
        }
      }
      // Stopped early (j >= 0): even the best case of the rest stays under the bar.
      if (j < 0 && partial * (1 + 1e-6) >= bar) {
        let sum = 0;
        for (let t = 0; t < m; t++) if (seen[t] === candidate) sum = Math.fround(sum + parts[t]);
        if (top.offer(d, sum)) {
          bar = top.bar();
          while (essential < m && upTo[essential] < bar) essential++;
        }
      }
    }
    return { total, docs: top.sorted().map(([d, s]) => ({ docId: d, arxivId: this.ids[d], score: s })) };
  }

  /**
   * How many papers hold any of the terms and pass the gate: the union of the terms' papers as
   * bits, counted. A common term's bitmap (one that is smaller than its postings) is kept for
   * the next query, a few of them, so a query of common words does not walk millions of
   * postings only to count them.
   */
  private countMatches(matched: { term: string; postings: Postings }[], gate: Int32Array): number {
    const N = this.ids.length;
    const words = (N + 31) >>> 5;
    const union = new Int32Array(words);
    for (const { term, postings } of matched) {
      if (postings.n * 32 >= N) {
        const bits = this.termBits(term, postings, words);
        for (let w = 0; w < words; w++) union[w] |= bits[w];
      } else setBits(union, postings.docs, postings.n);
    }
    let total = 0;
    for (let w = 0; w < words; w++) if (union[w] !== 0) total += popcount(union[w] & gate[w]);
    return total;
  }

  private termBits(term: string, postings: Postings, words: number): Int32Array {
    const cached = this.bitsCache.get(term);
    this.bitsCache.delete(term);
    const bits = cached && cached.length === words ? cached : new Int32Array(words);
    if (bits !== cached) setBits(bits, postings.docs, postings.n);
    // Map order is use order: the least recently used is first.
    this.bitsCache.set(term, bits);
    if (this.bitsCache.size > BITMAPS_KEPT)
      this.bitsCache.delete(this.bitsCache.keys().next().value as string);
    return bits;
  }

  private aliveBits(words: number): Int32Array {
    if (this.aliveBitsCache?.length !== words) {
      const bits = new Int32Array(words);
      const alive = this.alive;
      for (let d = 0; d < this.ids.length; d++) if (alive[d] !== 0) bits[d >>> 5] |= 1 << (d & 31);
      this.aliveBitsCache = bits;
    }
    return this.aliveBitsCache;
  }

  /** Filter-only queries list the matching papers newest first. */
  private newestFirst(gate: Int32Array, k: number): Ranked {
    const top = new TopK(k);
    let total = 0;
    for (let d = 0; d < this.ids.length; d++) {
      if (((gate[d >>> 5] >>> (d & 31)) & 1) === 0) continue;
      total++;
      top.offer(d, this.days[d] === NO_DAY ? -1e9 : this.days[d]);
    }
    return { total, docs: top.sorted().map(([d]) => ({ docId: d, arxivId: this.ids[d], score: 0 })) };
  }
}

/** The first place at or after `from` whose paper is at least `doc`: galloping, then binary search. */
function seek(docs: Uint32Array<ArrayBufferLike>, from: number, n: number, doc: number): number {
  if (from >= n || docs[from] >= doc) return from;
  let step = 1;
  let lo = from;
  let hi = from + 1;
  while (hi < n && docs[hi] < doc) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > n) hi = n;
  // docs[lo] < doc, and docs[hi] >= doc or hi = n.
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid] < doc) lo = mid;
    else hi = mid;
  }
  return hi;
}

interface Cursor {
  docs: Uint32Array<ArrayBufferLike>;
  tfs: Uint16Array<ArrayBufferLike>;
  n: number;
  pos: number;
  idf: number;
  bound: number;
  /** Place in the query's term order, where its score is summed. */
  slot: number;
}

/** The BM25F score of the cursor's current posting (paper `d`), as the exhaustive loop computes it. */
function termScore(
  c: Cursor,
  d: number,
  inv: Float32Array,
  wT: number,
  wA: number,
  wB: number,
  k1: number,
  k1p1: number,
): number {
  const packed = c.tfs[c.pos];
  const o = d * 3;
  const tf =
    wT * (packed >> 12) * inv[o] + wA * ((packed >> 10) & 3) * inv[o + 1] + wB * (packed & 1023) * inv[o + 2];
  return (c.idf * tf * k1p1) / (k1 + tf);
}

function setBits(bits: Int32Array, docs: Uint32Array<ArrayBufferLike>, n: number): void {
  for (let i = 0; i < n; i++) {
    const d = docs[i];
    bits[d >>> 5] |= 1 << (d & 31);
  }
}

/** A list of papers as bits, kept in `cache` until the list changes (its owner drops it) or N moves. */
function cachedBits<K>(cache: Map<K, Int32Array>, key: K, words: number, list: number[]): Int32Array {
  let bits = cache.get(key);
  if (bits?.length !== words) {
    bits = new Int32Array(words);
    for (const d of list) bits[d >>> 5] |= 1 << (d & 31);
    cache.set(key, bits);
  }
  return bits;
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** A bounded min-heap keeping the k best (score, then newer id on ties). */
class TopK {
  private heap: [number, number][] = [];
  constructor(private k: number) {}
  private less(a: [number, number], b: [number, number]): boolean {
    return a[1] < b[1] || (a[1] === b[1] && a[0] < b[0]);
  }
  /** Whether the paper is among the k best so far. */
  offer(doc: number, score: number): boolean {
    const h = this.heap;
    if (this.k <= 0) return false;
    if (h.length < this.k) {
      h.push([doc, score]);
      let i = h.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.less(h[i], h[parent])) break;
        [h[i], h[parent]] = [h[parent], h[i]];
        i = parent;
      }
    } else if (h[0][1] < score || (h[0][1] === score && h[0][0] < doc)) {
      h[0] = [doc, score];
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    } else return false;
    return true;
  }
  /** The score a paper must beat to enter (or tie, with a newer id); -Infinity until k are kept. */
  bar(): number {
    return this.heap.length < this.k ? Number.NEGATIVE_INFINITY : this.heap[0][1];
  }
  sorted(): [number, number][] {
    return [...this.heap].sort((a, b) => (this.less(a, b) ? 1 : -1));
  }
}
