import type { Queryable } from "../db/client.ts";
import { activeEmbeddingModel } from "../search/embedding-store.ts";
import { CandidatePool } from "./pool.ts";
import { RankerCache } from "./ranker-cache.ts";
import { type ActiveModel, type CandidateRow, candidateRows, candidateWatermark } from "./store.ts";

const PAGE = 5000;
/** How often a big pool asks the database whether papers or vectors changed. */
const CHECK_EVERY_MS = 30_000;
/** A pool this small is checked on every use and rebuilt in line: that costs milliseconds. */
const SMALL_POOL = 5000;
const MAX_POOLS = 8;

interface Entry {
  pool: Promise<CandidatePool>;
  /** The pool once built (what `peek` answers). */
  built: CandidatePool | null;
  watermark: string;
  checkedAt: number;
  refreshing: boolean;
}

/**
 * Candidate pools by window ("since" day, or every paper), built on first use and rebuilt in
 * the background when papers or vectors change; a ranking meanwhile uses the previous pool.
 * One instance per process, created by whoever composes the app (web, CLI, digest worker).
 */
export class CandidatePools {
  private readonly entries = new Map<string, Entry>();
  /** People's trained rankings over these pools. */
  readonly rankers = new RankerCache();
  private readonly memos = new WeakMap<CandidatePool, Map<string, Promise<unknown>>>();

  /**
   * A value derived from one pool's papers, worked out once per pool (a followed topic's
   * matches: thousands of digest readers follow the same few topics).
   */
  memo<T>(pool: CandidatePool, key: string, make: () => Promise<T>): Promise<T> {
    let m = this.memos.get(pool);
    if (!m) {
      m = new Map();
      this.memos.set(pool, m);
    }
    let hit = m.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = make();
      hit.catch(() => m.delete(key));
      m.set(key, hit);
    }
    return hit;
  }

  /**
   * `settleMs`: how long what a check found stands before the database is asked again (the
   * active embedding model, a small pool's papers). Zero for the site, where a change shows on
   * the next request; a digest run, which sends thousands of mails from one set of papers, asks
   * every few seconds instead of twice per mail.
   */
  constructor(
    private readonly db: Queryable,
    private readonly settleMs = 0,
  ) {}

  private active: { at: number; model: Promise<ActiveModel | null> } | null = null;
  /** The active model as last read, for `peek`. */
  private lastActive: ActiveModel | null | undefined;

  private activeModel(): Promise<ActiveModel | null> {
    if (this.active && Date.now() - this.active.at < this.settleMs) return this.active.model;
    const model = activeEmbeddingModel(this.db).then((m) => (m ? { id: m.id, dims: m.dims } : null));
    this.active = { at: Date.now(), model };
    model.then(
      (m) => {
        this.lastActive = m;
      },
      () => {
        this.active = null;
      },
    );
    return model;
  }

  /**
   * The built pool of `since` under the active model as last read, without asking the database
   * anything: a caller reading the active model with its own query (recommendStateWithModel)
   * guesses with it whether a ranking is kept in memory, then passes what it read to `get`.
   */
  peek(since: Date | null): CandidatePool | null {
    if (this.lastActive === undefined) return null;
    return this.entries.get(this.keyOf(this.lastActive?.id ?? null, since))?.built ?? null;
  }

  private keyOf(modelId: number | null, since: Date | null): string {
    return `${modelId}|${since?.toISOString() ?? "all"}`;
  }

  /**
   * The pool of papers new since `since` (every paper when null) under the active embedding model.
   * `active`: the active model as the caller has just read it, instead of a query here.
   */
  async get(
    since: Date | null,
    active?: ActiveModel | null,
  ): Promise<{ pool: CandidatePool; modelId: number | null }> {
    if (active !== undefined) {
      this.active = { at: Date.now(), model: Promise.resolve(active) };
      this.lastActive = active;
    }
    const model = active !== undefined ? active : await this.activeModel();
    const modelId = model?.id ?? null;
    const key = this.keyOf(modelId, since);
    let entry = this.entries.get(key);
    if (!entry) {
      // The entry is in place before anything is awaited: callers arriving meanwhile (a digest
      // run's workers, all starting at once) wait for this build instead of each making one.
      const fresh = { watermark: "", checkedAt: Date.now(), refreshing: false, built: null } as Entry;
      fresh.pool = (async () => {
        fresh.watermark = await candidateWatermark(this.db, modelId);
        fresh.built = await this.build(modelId, model?.dims ?? 0, since);
        return fresh.built;
      })();
      entry = fresh;
      entry.pool.catch(() => this.entries.delete(key));
      this.entries.set(key, entry);
      while (this.entries.size > MAX_POOLS) this.entries.delete(this.entries.keys().next().value as string);
    } else if (!entry.refreshing) {
      const size = (await entry.pool).size;
      const settled = Date.now() - entry.checkedAt < this.settleMs;
      if (size < SMALL_POOL && !settled) await this.refresh(entry, modelId, model?.dims ?? 0, since);
      else if (Date.now() - entry.checkedAt > CHECK_EVERY_MS)
        void this.refresh(entry, modelId, model?.dims ?? 0, since);
    }
    return { pool: await entry.pool, modelId };
  }

  private async refresh(
    entry: Entry,
    modelId: number | null,
    dims: number,
    since: Date | null,
  ): Promise<void> {
    entry.refreshing = true;
    entry.checkedAt = Date.now();
    await (async () => {
      try {
        const watermark = await candidateWatermark(this.db, modelId);
        if (watermark === entry.watermark) return;
        const pool = await this.build(modelId, dims, since);
        entry.pool = Promise.resolve(pool);
        entry.built = pool;
        entry.watermark = watermark;
      } catch {
        // keep serving the previous pool; the next check tries again
      } finally {
        entry.refreshing = false;
      }
    })();
  }

  private async build(modelId: number | null, dims: number, since: Date | null): Promise<CandidatePool> {
    const rows: CandidateRow[] = [];
    let after = "";
    for (;;) {
      const page = await candidateRows(this.db, modelId, since, after, PAGE);
      rows.push(...page);
      if (page.length < PAGE) break;
      after = page[page.length - 1].arxivId;
    }
    return new CandidatePool(dims, rows);
  }

  /** Forget every pool (tests and the CLI after changing papers). */
  clear(): void {
    this.entries.clear();
  }
}
