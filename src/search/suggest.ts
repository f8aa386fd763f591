import type { Queryable } from "../db/client.ts";
import { siftDown, siftUp } from "../heap.ts";
import type { IndexDoc } from "./keyword-index.ts";
import { searchChangesSince, searchClockMs, searchDocsAfter, searchDocsByIds } from "./store.ts";

/**
 * Search-as-you-type: titles and authors that contain what was typed at the start of a word.
 * Normalised titles (and, separately, distinct author names) are indexed by the words they
 * contain, newest paper first, so a query reads only the papers that match (see WordIndex). The texts follow the papers table by `modified_at`, like
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

/**
 * Where each word starts an item: the distinct words of all items, sorted, each with the items
 * that hold it (ascending, so newest first). A typed prefix is a binary search and a merge of the
 * lists of the words it begins, which touches only matching items, however large the corpus.
 */
class WordIndex {
  private readonly items: string[];
  private readonly words: string[];
  private readonly postings: Int32Array[];

  constructor(items: string[]) {
    this.items = items;
    const lists = new Map<string, number[]>();
    items.forEach((text, i) => {
      for (const word of text.split(" ")) {
        if (!word) continue;
        const list = lists.get(word);
        if (!list) lists.set(word, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    this.words = [...lists.keys()].sort();
    this.postings = this.words.map((w) => Int32Array.from(lists.get(w) ?? []));
  }

  /** Indexes of items with `needle` at the start of a word, in item order, at most `limit`. */
  find(needle: string, limit: number): number[] {
    const space = needle.indexOf(" ");
    // A needle of several words: its first word is a whole word of the item; else a prefix.
    const first = space < 0 ? needle : needle.slice(0, space);
    const lists: Int32Array[] = [];
    for (let w = this.lowerBound(first); w < this.words.length; w++) {
      const word = this.words[w];
      if (space < 0 ? !word.startsWith(first) : word !== first) break;
      lists.push(this.postings[w]);
    }
    const found: number[] = [];
    for (const item of mergedAscending(lists)) {
      if (space >= 0 && !` ${this.items[item]}`.includes(` ${needle}`)) continue;
      found.push(item);
      if (found.length >= limit) break;
    }
    return found;
  }

  private lowerBound(word: string): number {
    let lo = 0;
    let hi = this.words.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.words[mid] < word) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The union of ascending lists, ascending and without repeats, read lazily through a min-heap. */
function* mergedAscending(lists: Int32Array[]): Generator<number> {
  // heap of [value, list, position], smallest value at the root
  const heap: [number, number, number][] = [];
  const smaller = (a: [number, number, number], b: [number, number, number]) => a[0] < b[0];
  lists.forEach((list, k) => {
    if (list.length > 0) {
      heap.push([list[0], k, 0]);
      siftUp(heap, heap.length - 1, smaller);
    }
  });
  let last = -1;
  while (heap.length > 0) {
    const top = heap[0];
    if (top[0] !== last) {
      last = top[0];
      yield last;
    }
    const next = top[2] + 1;
    if (next < lists[top[1]].length) {
      heap[0] = [lists[top[1]][next], top[1], next];
    } else {
      const end = heap.pop();
      if (heap.length === 0 || !end) break;
      heap[0] = end;
    }
    siftDown(heap, 0, smaller);
  }
}

export class Suggester {
  private docs = new Map<string, { title: string; authors: string; modifiedMs: number }>();
  private titles = new WordIndex([]);
  private titleIds: string[] = [];
  private authorNames: string[] = [];
  private authors = new WordIndex([]);
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
    this.titles = new WordIndex(ids.map((id) => normalizeForSuggest(this.docs.get(id)?.title ?? "")));
    const names = new Map<string, string>();
    for (const id of ids)
      for (const name of (this.docs.get(id)?.authors ?? "").split(", "))
        if (name && !names.has(normalizeForSuggest(name))) names.set(normalizeForSuggest(name), name);
    this.authorNames = [...names.values()];
    this.authors = new WordIndex([...names.keys()]);
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
