import type { Queryable } from "../db/client.ts";
import type { IndexDoc } from "./keyword-index.ts";
import { searchChangesSince, searchClockMs, searchDocsAfter, searchDocsByIds } from "./store.ts";

/**
 * Search-as-you-type: titles and authors that contain what was typed at the start of a word.
 * All normalised titles (and, separately, distinct author names) are kept in one string each,
 * newest paper first, so a query is a few native indexOf scans (a few ms at 100k papers)
 * rather than a walk over objects. The texts follow the papers table by `modified_at`, like
 * the keyword index, checked at most every few seconds and rebuilt when something changed.
 */

const LOAD_PAGE = 5000;
const SYNC_EVERY_MS = 5000;
const OVERLAP_MS = 10_000;

export interface Suggestions {
  papers: { arxivId: string; title: string }[];
  authors: string[];
}

/** Lower case, no accents, single spaces: the same for the texts and what is typed. */
export function normalizeForSuggest(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[\s\n]+/g, " ")
    .trim();
}

/** Many strings joined by "\n" with where each starts, so a match position maps back to its string. */
class Haystack {
  readonly text: string;
  private readonly starts: Int32Array;

  constructor(items: string[]) {
    this.starts = new Int32Array(items.length);
    let at = 1;
    items.forEach((s, i) => {
      this.starts[i] = at;
      at += s.length + 1;
    });
    this.text = `\n${items.join("\n")}\n`;
  }

  /** Indexes of items with `needle` at the start of a word, in item order, at most `limit`. */
  find(needle: string, limit: number): number[] {
    const found: number[] = [];
    for (const sep of ["\n", " "]) {
      let from = 0;
      for (;;) {
        const at = this.text.indexOf(sep + needle, from);
        if (at < 0) break;
        const item = this.itemAt(at + 1);
        if (!found.includes(item)) found.push(item);
        if (found.length >= limit && sep === "\n") return found;
        if (found.length >= limit * 4) break;
        // Next item, so one title that repeats a word is counted once.
        from = this.starts[item + 1] !== undefined ? this.starts[item + 1] - 1 : this.text.length;
      }
    }
    return found.sort((a, b) => a - b).slice(0, limit);
  }

  private itemAt(pos: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

export class Suggester {
  private docs = new Map<string, { title: string; authors: string; modifiedMs: number }>();
  private titles = new Haystack([]);
  private titleIds: string[] = [];
  private authorNames: string[] = [];
  private authors = new Haystack([]);
  private syncedAtMs = Number.NEGATIVE_INFINITY;
  private checkedAt = 0;
  private dirty = false;
  private running: Promise<void> | null = null;

  /** Adds or replaces papers (the loader, and benchmarks that have no database). */
  addAll(docs: Iterable<Pick<IndexDoc, "arxivId" | "title" | "authors" | "modifiedMs">>): void {
    for (const d of docs)
      this.docs.set(d.arxivId, { title: d.title, authors: d.authors, modifiedMs: d.modifiedMs });
    this.dirty = true;
  }

  /** Brings the texts up to date if the last check is older than a few seconds. */
  async sync(db: Queryable, now = Date.now()): Promise<void> {
    if (now - this.checkedAt < SYNC_EVERY_MS && !this.dirty) return;
    this.checkedAt = now;
    if (!this.running)
      this.running = this.syncOnce(db).finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async syncOnce(db: Queryable): Promise<void> {
    const started = await searchClockMs(db);
    if (!Number.isFinite(this.syncedAtMs)) {
      let after = "";
      for (;;) {
        const docs = await searchDocsAfter(db, after, LOAD_PAGE);
        this.addAll(docs);
        if (docs.length < LOAD_PAGE) break;
        after = docs[docs.length - 1].arxivId;
      }
    } else {
      const changes = await searchChangesSince(db, this.syncedAtMs - OVERLAP_MS);
      const stale = changes
        .filter((c) => this.docs.get(c.arxivId)?.modifiedMs !== c.modifiedMs)
        .map((c) => c.arxivId);
      for (let i = 0; i < stale.length; i += LOAD_PAGE)
        this.addAll(await searchDocsByIds(db, stale.slice(i, i + LOAD_PAGE)));
    }
    this.syncedAtMs = started;
    this.rebuild();
  }

  private rebuild(): void {
    if (!this.dirty) return;
    // Newest first: arXiv ids grow with time, so the first matches are the recent papers.
    const ids = [...this.docs.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    this.titleIds = ids;
    this.titles = new Haystack(ids.map((id) => normalizeForSuggest(this.docs.get(id)?.title ?? "")));
    const names = new Map<string, string>();
    for (const id of ids)
      for (const name of (this.docs.get(id)?.authors ?? "").split(", "))
        if (name && !names.has(normalizeForSuggest(name))) names.set(normalizeForSuggest(name), name);
    this.authorNames = [...names.values()];
    this.authors = new Haystack([...names.keys()]);
    this.dirty = false;
  }

  suggest(q: string, limit = 5): Suggestions {
    this.rebuild();
    const needle = normalizeForSuggest(q).slice(0, 100);
    if (needle.length < 2) return { papers: [], authors: [] };
    const papers = this.titles.find(needle, limit).map((i) => {
      const arxivId = this.titleIds[i];
      return { arxivId, title: this.docs.get(arxivId)?.title ?? "" };
    });
    const authors = this.authors.find(needle, 3).map((i) => this.authorNames[i]);
    return { papers, authors };
  }
}

const suggesters = new WeakMap<object, Suggester>();

/** The suggester of a database handle: one per process and database. */
export function suggesterFor(db: object): Suggester {
  let s = suggesters.get(db);
  if (!s) {
    s = new Suggester();
    suggesters.set(db, s);
  }
  return s;
}
