import path from "node:path";
import type { Config } from "../config.ts";
import type { Queryable } from "../db/client.ts";
import { yieldToEventLoop } from "../event-loop.ts";
import type { Embedder } from "./embed/embedder.ts";
import { loadEmbedder } from "./embed/embedder.ts";
import { isZeroVector } from "./embed/floor.ts";
import { PASSAGE_DEPTH, rescoreByPassages } from "./embed/passages.ts";
import {
  activeEmbeddingModel,
  embeddingDeletionsSince,
  embeddingMaxSeq,
  embeddingsAfter,
  filterFactsByIds,
  paperEmbedding,
} from "./embedding-store.ts";
import { type FusionParams, feedbackQuery } from "./fusion.ts";
import { searchClockMs } from "./store.ts";
import { EXACT_LIMIT, type VectorHit, VectorIndex } from "./vector-index.ts";

const LOAD_PAGE = 1000;
const UPSERT_SLICE = 250;
const SIMILAR_ANSWERS_KEPT = 20_000;
// A copy on disk is refreshed at most this often; it only saves work at the next start.
const SAVE_EVERY_MS = 60_000;
// The first search of a process waits this long for the vectors; past it, semantic and hybrid
// answer with keyword results and a notice until they are loaded (a large index without its
// saved copy takes minutes to build).
const FIRST_WAIT_MS = 5000;
// Deletions are looked up from a little before the last check: a deletion committed late with
// an earlier timestamp is not missed (taking a paper out twice is a no-op).
const DELETION_OVERLAP_MS = 60_000;

export interface SemanticAnswer {
  hits: VectorHit[];
  unknownWords: boolean;
}

interface Loaded {
  embedder: Embedder;
  index: VectorIndex;
}

export interface SemanticOptions {
  /** Where index copies live (`DATA_DIR/index`); undefined keeps the index in memory only. */
  indexDir: string | undefined;
  config: Config;
  /** Up to this many vectors search scans instead of walking the graph (tests lower it). */
  exactLimit?: number;
}

/**
 * The per-process semantic side: the active model's embedder and a vector index kept in
 * sync with the stored vectors. Each search first reads the active model id and the rows past
 * the index's watermark (both cheap), so vectors written by any process show up on the next
 * query. When another model becomes active, the new index is built in the background while
 * queries keep using the old model and its index, so search never stops during a switch.
 */
export class SemanticSearcher {
  private current: Loaded | null = null;
  private switching: Promise<void> | null = null;
  private syncing: Promise<void> | null = null;
  private lastSave = 0;
  /** Rows were added since the copy on disk was written. */
  private dirty = false;
  /** Why the last index build failed, if it did; the next search tries again. */
  lastError: unknown = null;
  /** Why the saved copy was not used (missing, older format, failed a check), if it was not. */
  copyRefused: string | null = null;
  private similarAnswers = new Map<string, VectorHit[]>();
  private similarVersion = "";

  constructor(private readonly opts: SemanticOptions) {}

  get modelId(): number | null {
    return this.current?.embedder.modelId ?? null;
  }

  get indexSize(): number {
    return this.current?.index.size ?? 0;
  }

  /**
   * What /readyz says of the vector index when it is not simply loaded: the saved copy was
   * refused and the index is rebuilt (semantic search answers by scan or with keyword results).
   */
  get note(): string | null {
    if (!this.copyRefused || !this.opts.indexDir) return null;
    if (this.current && !this.current.index.building) return null;
    return `rebuilding: saved copy not used (${this.copyRefused}); semantic search answers ${this.current ? "by scan" : "with keyword results"} meanwhile`;
  }

  /** Whether the index's base graph is a memory-mapped saved copy (with newer vectors beside it). */
  get indexMapped(): boolean {
    return this.current?.index.mapped ?? false;
  }

  /** The highest stored-vector sequence the index holds (0 before any). */
  get watermark(): number {
    return this.current?.index.watermark ?? 0;
  }

  sync(db: Queryable): Promise<void> {
    if (!this.syncing)
      this.syncing = this.syncOnce(db).finally(() => {
        this.syncing = null;
      });
    return this.syncing;
  }

  /** Waits for a model switch in progress (tests and jobs use it; searches never wait). */
  async settled(db: Queryable): Promise<void> {
    await this.sync(db);
    while (this.switching) await this.switching;
    await this.sync(db);
  }

  private async syncOnce(db: Queryable): Promise<void> {
    const active = await activeEmbeddingModel(db);
    if (active && active.id !== this.current?.embedder.modelId && !this.switching) {
      const first = !this.current;
      let exposed: () => void = () => {};
      const usable = new Promise<void>((resolve) => {
        exposed = resolve;
      });
      // The first model is searchable as soon as its vectors are in (by scan, while its graph is
      // built); later switches happen behind the old model, which answers until the new is whole.
      const build = this.open(
        db,
        active.id,
        first
          ? (l) => {
              this.current ??= l;
              exposed();
            }
          : undefined,
      ).then((loaded) => {
        if (loaded) {
          this.current = loaded;
          this.checkCopy(loaded);
        }
        this.lastError = null;
      });
      this.switching = build
        .catch((err) => {
          this.lastError = err;
        })
        .finally(() => {
          this.switching = null;
          exposed();
        });
      if (first) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([usable, new Promise((r) => (timer = setTimeout(r, FIRST_WAIT_MS)))]);
        clearTimeout(timer);
      }
    }
    if (this.current && !this.current.index.building) await this.topUp(db, this.current);
  }

  private async open(db: Queryable, modelId: number, expose?: (l: Loaded) => void): Promise<Loaded | null> {
    const row = await activeEmbeddingModel(db);
    if (!row || row.id !== modelId) return null;
    const embedder = await loadEmbedder(db, row, this.opts.config);
    const { maxSeq } = await embeddingMaxSeq(db, modelId);
    const dir = this.opts.indexDir;
    const exactLimit = this.opts.exactLimit ?? EXACT_LIMIT;
    const copy = dir ? VectorIndex.open(dir, modelId, row.dims, { exactLimit }) : null;
    let index = copy?.ok ? copy.index : null;
    // A copy this process removed after it failed a check keeps that as the reason.
    if (copy && !copy.ok && !(this.copyRefused && copy.reason === "no saved copy"))
      this.copyRefused = copy.reason;
    // A copy ahead of the database belongs to another database (or a restored backup): stale.
    if (index && index.watermark > maxSeq) {
      index.close();
      index = null;
      this.copyRefused = "ahead of the database";
    }
    const loaded = { embedder, index: index ?? new VectorIndex(modelId, row.dims, { exactLimit }) };
    // Sequence numbers bound the row count: past the scan limit, build the graph off-thread.
    if (!index && maxSeq > exactLimit) loaded.index.beginBulk();
    // Built from the table, the index holds no deleted paper (their vectors go with them).
    if (!index) loaded.index.deletionsCheckedMs = await searchClockMs(db);
    const added = await this.topUp(db, loaded, false);
    expose?.(loaded);
    try {
      await loaded.index.finishBulk();
    } catch (err) {
      await loaded.index.abortBulk();
      throw err;
    }
    if (dir) {
      // An opened copy saves its top-up with the periodic saves (a delta, small): not at start.
      if (!index) {
        loaded.index.save(dir);
        this.lastSave = Date.now();
        this.dirty = false;
        this.copyRefused = null;
      } else if (added > 0) {
        this.dirty = true;
        this.lastSave = Date.now();
      }
      VectorIndex.removeOthers(dir, modelId);
    }
    return loaded;
  }

  /**
   * Checks an opened copy's large files in the background; one that fails is removed and the
   * index dropped, so the next search builds it again from the table.
   */
  private checkCopy(loaded: Loaded): void {
    const dir = this.opts.indexDir;
    if (!dir || !loaded.index.mapped) return;
    this.verifying = loaded.index.verify().then(
      (reason) => {
        if (!reason) return;
        this.copyRefused = reason;
        VectorIndex.removeCopy(dir, loaded.index.modelId);
        if (this.current === loaded) this.current = null;
        loaded.index.close();
      },
      (err) => {
        this.copyRefused = `unreadable: ${(err as Error).message}`;
        VectorIndex.removeCopy(dir, loaded.index.modelId);
        if (this.current === loaded) this.current = null;
        loaded.index.close();
      },
    );
  }

  /** The background check of an opened copy, if one runs (tests and benchmarks wait for it). */
  verifying: Promise<void> = Promise.resolve();

  private async topUp(db: Queryable, loaded: Loaded, autosave = true): Promise<number> {
    let added = 0;
    for (;;) {
      const rows = await embeddingsAfter(db, loaded.index.modelId, loaded.index.watermark, LOAD_PAGE);
      // Adding to the graph is native but synchronous: in slices, with requests answered between.
      for (let i = 0; i < rows.length; i += UPSERT_SLICE) {
        loaded.index.upsert(rows.slice(i, i + UPSERT_SLICE));
        await yieldToEventLoop();
      }
      added += rows.length;
      if (rows.length < LOAD_PAGE) break;
    }
    const index = loaded.index;
    const gone = await embeddingDeletionsSince(
      db,
      index.modelId,
      Math.max(0, index.deletionsCheckedMs - DELETION_OVERLAP_MS),
    );
    const removed = index.remove(gone.arxivIds);
    index.deletionsCheckedMs = gone.nowMs;
    if (added > 0 || removed > 0) this.dirty = true;
    if (autosave && this.dirty && this.opts.indexDir && Date.now() - this.lastSave > SAVE_EVERY_MS) {
      loaded.index.save(this.opts.indexDir);
      this.lastSave = Date.now();
      this.dirty = false;
    }
    return added;
  }

  /** Saves the index copy now (on shutdown, or after a bulk job). */
  save(): void {
    if (!this.current || !this.opts.indexDir || !this.dirty) return;
    this.current.index.save(this.opts.indexDir);
    this.dirty = false;
  }

  /**
   * Papers similar to a query text, nearest first, none below the model's similarity floor;
   * empty until a model is active. `unknownWords` says the model knows none of the words, so
   * nothing can be similar.
   */
  async search(db: Queryable, text: string, k: number): Promise<SemanticAnswer> {
    const cur = this.current;
    if (!cur || text.trim() === "") return { hits: [], unknownWords: false };
    const q = await cur.embedder.embedQuery(text);
    if (isZeroVector(q)) return { hits: [], unknownWords: true };
    const floor = cur.embedder.similarityFloor;
    // The floor is calibrated on whole-paper cosines, so it applies before passages rescore.
    const hits = cur.index.search(q, Math.max(k, PASSAGE_DEPTH)).filter((h) => h.score >= floor);
    const scorer = cur.embedder.passageCosines;
    if (!scorer || hits.length === 0) return { hits: hits.slice(0, k), unknownWords: false };
    const head = hits.slice(0, PASSAGE_DEPTH);
    const texts = await filterFactsByIds(
      db,
      head.map((h) => h.arxivId),
    );
    const found = head.filter((h) => texts.has(h.arxivId));
    const best = scorer(
      q,
      found.map((h) => texts.get(h.arxivId)!),
    );
    const passage = new Map(found.map((h, i) => [h.arxivId, best[i]]));
    return { hits: rescoreByPassages(hits, passage).slice(0, k), unknownWords: false };
  }

  /**
   * The semantic half of hybrid ranking: the query vector steered by the best keyword hits,
   * its nearest papers above the floor, and its cosine with every keyword candidate. A query
   * the model knows nothing of adds nothing (null vector: keyword results alone).
   */
  async hybridSide(
    text: string,
    keywordIds: string[],
    p: FusionParams,
  ): Promise<{ nearest: VectorHit[]; cosines: Map<string, number>; unknownWords: boolean } | null> {
    const cur = this.current;
    if (!cur) return null;
    const query = await cur.embedder.embedQuery(text);
    if (isZeroVector(query)) return { nearest: [], cosines: new Map(), unknownWords: true };
    const feedback = keywordIds
      .slice(0, p.feedbackDocs)
      .map((id) => cur.index.vectorOf(id))
      .filter((v): v is Float32Array => v !== null);
    const q = feedbackQuery(query, feedback, p.feedbackWeight);
    const floor = cur.embedder.similarityFloor;
    return {
      nearest: cur.index.search(q, p.depth).filter((h) => h.score >= floor),
      cosines: cur.index.cosines(q, keywordIds),
      unknownWords: false,
    };
  }

  /**
   * Papers nearest to a stored paper, itself excluded. Every paper page asks, and below
   * EXACT_LIMIT each answer is a scan of every vector: answers are kept until the index changes.
   */
  async similar(db: Queryable, arxivId: string, k: number): Promise<VectorHit[]> {
    const cur = this.current;
    if (!cur) return [];
    const version = `${cur.index.modelId}:${cur.index.watermark}:${cur.index.size}`;
    if (version !== this.similarVersion) {
      this.similarAnswers.clear();
      this.similarVersion = version;
    }
    const key = `${k}:${arxivId}`;
    const kept = this.similarAnswers.get(key);
    if (kept) return kept;
    const v = await paperEmbedding(db, cur.embedder.modelId, arxivId);
    if (!v) return [];
    const hits = cur.index
      .search(v, k + 1)
      .filter((h) => h.arxivId !== arxivId)
      .slice(0, k);
    if (this.similarAnswers.size >= SIMILAR_ANSWERS_KEPT) {
      const oldest = this.similarAnswers.keys().next().value;
      if (oldest !== undefined) this.similarAnswers.delete(oldest);
    }
    this.similarAnswers.set(key, hits);
    return hits;
  }
}

export function indexDirOf(config: Config): string {
  return path.join(config.dataDir, "index");
}
