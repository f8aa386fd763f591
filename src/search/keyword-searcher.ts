import type { Queryable } from "../db/client.ts";
import { forEachSliced, yieldToEventLoop } from "../event-loop.ts";
import { KeywordIndex } from "./keyword-index.ts";
import { loadKeywordIndex, saveKeywordIndex } from "./keyword-index-file.ts";
import {
  paperCount,
  searchChangesSince,
  searchClockMs,
  searchDeletionsSince,
  searchDocsAfter,
  searchDocsByIds,
  searchModifiedOf,
} from "./store.ts";

const LOAD_PAGE = 1000;
// Rows are read back this far behind the watermark, so a write whose transaction committed a
// little after a later one (modified_at is the transaction's start) is still picked up.
const OVERLAP_MS = 10_000;
const REBUILD_DEAD_RATIO = 0.25;
// A first build of a small corpus finishes within this, so a fresh process gives complete
// answers; on a large one the search answers from what is built so far, and says so.
const DEFAULT_BUILD_WAIT_MS = 3000;
// Writing the file blocks the event loop for about a second per million papers: often enough
// that a restart has little to catch up, rarely enough not to show in page latency.
const DEFAULT_SAVE_EVERY_MS = 10 * 60_000;
const SAMPLE_CHECKS = 64;
// Analysing a paper's text takes about 0.1 ms: a slice stays a few ms even on a busy machine.
const ADD_SLICE = 200;

export interface KeywordSearcherOptions {
  /** Where the index is kept between runs (DATA_DIR/index/keyword.idx); none: rebuilt at each start. */
  file?: string;
  buildWaitMs?: number;
  saveEveryMs?: number;
  /** Told when a saved file is not used, and why, and when a rebuild starts or ends. */
  onEvent?: (message: string) => void;
}

/** `building`: the first index is being made from the table and answers hold only part of it. */
export type KeywordIndexState = "cold" | "building" | "ready";

export interface KeywordIndexStatus {
  state: KeywordIndexState;
  /** Where the index came from: a saved file (then caught up), or the table. */
  source: "file" | "table" | null;
  docs: number;
  /** Why the saved file was not used, when it was not. */
  fileProblem: string | null;
  /** Database time (ms) up to which the index reflects the table. */
  watermarkMs: number;
}

/**
 * The per-process keyword index and its sync with the papers table. Every search first asks
 * the database for rows changed (and papers deleted) since the watermark, an index range scan
 * that is usually empty, so a paper added, edited or deleted by any process is reflected on its
 * next query. At start the index is read from its file and caught up; without a usable file it
 * is built from the table in the background while searches answer from what is built so far.
 * It is rebuilt behind the live one once a quarter of it is superseded versions, since dead
 * postings still weigh in df.
 */
export class KeywordSearcher {
  index = new KeywordIndex();
  private state: KeywordIndexState = "cold";
  private source: KeywordIndexStatus["source"] = null;
  private fileProblem: string | null = null;
  /** The database time the last sync started: rows changed since (less the overlap) are re-checked. */
  private syncedAtMs = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | null = null;
  private building: Promise<void> | null = null;
  private verified = false;
  private savedAt = 0;
  private changesSinceSave = 0;

  constructor(private readonly opts: KeywordSearcherOptions = {}) {}

  status(): KeywordIndexStatus {
    return {
      state: this.state,
      source: this.source,
      docs: this.index.size,
      fileProblem: this.fileProblem,
      watermarkMs: this.syncedAtMs,
    };
  }

  /** Brings the index up to date; concurrent callers share one sync. */
  sync(db: Queryable): Promise<void> {
    if (!this.running)
      this.running = this.syncOnce(db).finally(() => {
        this.running = null;
      });
    return this.running;
  }

  /** Writes the index file if anything changed since it was written (at shutdown). */
  flush(): void {
    if (this.opts.file && this.state === "ready" && this.changesSinceSave > 0) this.save();
  }

  private async syncOnce(db: Queryable): Promise<void> {
    if (this.state === "cold") this.start(db);
    if (this.state === "building") {
      const wait = this.opts.buildWaitMs ?? DEFAULT_BUILD_WAIT_MS;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.building,
        new Promise((resolve) => {
          timer = setTimeout(resolve, wait);
        }),
      ]).finally(() => clearTimeout(timer));
      if (this.state === "building") return;
    }
    await this.catchUp(db);
    if (!this.verified) {
      this.verified = true;
      if (this.source === "file" && !(await this.agreesWithTable(db)))
        this.rebuildBehind(db, "it disagrees with the table");
    }
    if (!this.building && this.index.deadRatio > REBUILD_DEAD_RATIO && this.index.size > 1000)
      this.rebuildBehind(db, "a quarter of it is superseded versions");
    this.maybeSave();
  }

  private start(db: Queryable): void {
    if (this.opts.file) {
      const loaded = loadKeywordIndex(this.opts.file, this.index.params);
      if (loaded.ok) {
        this.index = loaded.index;
        this.syncedAtMs = loaded.watermarkMs;
        this.state = "ready";
        this.source = "file";
        this.savedAt = Date.now();
        return;
      }
      this.fileProblem = loaded.reason;
      if (loaded.reason !== "no index file")
        this.opts.onEvent?.(`keyword index file not used (${loaded.reason}); rebuilding it`);
    }
    this.state = "building";
    this.building = this.build(db, true)
      .catch((err) => {
        // Next search tries again (the database may have been closing, or briefly away).
        this.state = "cold";
        throw err;
      })
      .finally(() => {
        this.building = null;
      });
  }

  /** Builds from the table; the first build is searchable while it grows, later ones swap in when done. */
  private async build(db: Queryable, exposePartial: boolean): Promise<void> {
    const started = await searchClockMs(db);
    const fresh = new KeywordIndex(this.index.params);
    if (exposePartial) this.index = fresh;
    let after = "";
    for (;;) {
      const docs = await searchDocsAfter(db, after, LOAD_PAGE);
      await forEachSliced(docs, ADD_SLICE, (d) => fresh.add(d));
      await yieldToEventLoop();
      if (docs.length < LOAD_PAGE) break;
      after = docs[docs.length - 1].arxivId;
    }
    this.index = fresh;
    this.syncedAtMs = started;
    this.state = "ready";
    this.source = "table";
    this.verified = true;
    this.changesSinceSave = Number.POSITIVE_INFINITY;
  }

  private rebuildBehind(db: Queryable, why: string): void {
    this.opts.onEvent?.(`rebuilding the keyword index: ${why}`);
    this.building = this.build(db, false)
      .then(() => {
        this.opts.onEvent?.("keyword index rebuilt");
        this.maybeSave();
      })
      .catch((err) => this.opts.onEvent?.(`keyword index rebuild failed: ${err}`))
      .finally(() => {
        this.building = null;
      });
  }

  private async catchUp(db: Queryable): Promise<void> {
    // Only ids and times cross first; whole rows only for papers the index has not seen as they
    // are, so the overlap costs little even right after a bulk import.
    const now = await searchClockMs(db);
    const since = this.syncedAtMs - OVERLAP_MS;
    const changes = await searchChangesSince(db, since);
    const stale = changes
      .filter((c) => this.index.modifiedMsOf(c.arxivId) !== c.modifiedMs)
      .map((c) => c.arxivId);
    for (let i = 0; i < stale.length; i += LOAD_PAGE)
      await forEachSliced(await searchDocsByIds(db, stale.slice(i, i + LOAD_PAGE)), ADD_SLICE, (d) =>
        this.index.add(d),
      );
    let removed = 0;
    const deleted = await searchDeletionsSince(db, since);
    if (deleted.length > 0) {
      // A deleted paper may have been imported again since: only those still absent leave.
      const present = new Set((await searchModifiedOf(db, deleted)).map((r) => r.arxivId));
      for (const id of deleted) if (!present.has(id) && this.index.remove(id)) removed++;
    }
    this.changesSinceSave += stale.length + removed;
    this.syncedAtMs = now;
  }

  /**
   * A loaded file might belong to another database (a cache directory reused, a backup
   * restored): after the catch-up it must hold as many papers as the table, and a sample of them
   * must be the versions the table has.
   */
  private async agreesWithTable(db: Queryable): Promise<boolean> {
    if ((await paperCount(db)) !== this.index.size) return false;
    const ids = this.index.liveIds();
    const step = Math.max(1, Math.floor(ids.length / SAMPLE_CHECKS));
    const sample = ids.filter((_, i) => i % step === 0).slice(0, SAMPLE_CHECKS);
    const rows = await searchModifiedOf(db, sample);
    return (
      rows.length === sample.length && rows.every((r) => this.index.modifiedMsOf(r.arxivId) === r.modifiedMs)
    );
  }

  private maybeSave(): void {
    if (!this.opts.file || this.state !== "ready" || this.building || this.changesSinceSave === 0) return;
    const due =
      this.changesSinceSave === Number.POSITIVE_INFINITY ||
      (Date.now() - this.savedAt > (this.opts.saveEveryMs ?? DEFAULT_SAVE_EVERY_MS) &&
        this.changesSinceSave >= Math.max(1000, this.index.size / 100));
    if (due) this.save();
  }

  private save(): void {
    const file = this.opts.file;
    if (!file) return;
    try {
      saveKeywordIndex(this.index, this.syncedAtMs, file);
      this.savedAt = Date.now();
      this.changesSinceSave = 0;
      this.fileProblem = null;
    } catch (err) {
      // A full disk or a read-only directory costs a rebuild at the next start, nothing more.
      this.opts.onEvent?.(`could not write the keyword index file: ${err}`);
    }
  }
}
