import type { Queryable } from "../../db/client.ts";
import { analyze } from "../text.ts";
import type { ParsedQuery } from "../types.ts";
import { isReliable, type LearnedAcronym } from "./learn.ts";
import { acronymRefreshState, storedAcronyms } from "./store.ts";

/**
 * Query-time use of the learned acronyms, both ways: "AI" also searches "artificial
 * intelligence" and "artificial intelligence" also searches "AI". The added words join the
 * query's terms (keyword mode, highlighting) and its text (what semantic mode embeds), and each
 * addition is listed in `query.expansions` so the page can say what was added. Keyword ranking
 * gives the added words EXPANSION_WEIGHT of their idf: on SciFact's train split a full weight
 * cost 0.014 nDCG@10 (long claims gain little from expansion), 0.2 costs 0.002.
 */
export interface AcronymTable {
  byShort: Map<string, LearnedAcronym>;
  byLongKey: Map<string, LearnedAcronym>;
}

export function acronymTable(pairs: LearnedAcronym[]): AcronymTable {
  const byShort = new Map<string, LearnedAcronym>();
  const byLongKey = new Map<string, LearnedAcronym>();
  for (const p of pairs) {
    if (!isReliable(p)) continue;
    const best = byShort.get(p.short);
    if (!best || p.papers > best.papers) byShort.set(p.short, p);
  }
  for (const p of byShort.values()) {
    const other = byLongKey.get(p.longKey);
    if (!other || p.papers > other.papers) byLongKey.set(p.longKey, p);
  }
  return { byShort, byLongKey };
}

const CAPITALS = /[A-Z].*[A-Z]/;
export const EXPANSION_WEIGHT = 0.2;

function shortFormOf(word: string, table: AcronymTable): LearnedAcronym | undefined {
  const w = word.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  const lower = w.toLowerCase();
  const hit =
    table.byShort.get(lower) ?? (lower.endsWith("s") ? table.byShort.get(lower.slice(0, -1)) : undefined);
  // "map" typed in lower case is the word; "MAP" is the acronym.
  if (!hit || (hit.commonWord && !CAPITALS.test(w))) return undefined;
  return hit;
}

/** Adds the other form of every acronym or long form in the query (mutates `q`). */
export function expandAcronyms(q: ParsedQuery, table: AcronymTable): void {
  if (table.byShort.size === 0 || q.text.trim() === "") return;
  const terms = new Set(q.terms);
  const add = (typed: string, added: string) => {
    const newTerms = analyze(added).filter((t) => !terms.has(t));
    if (newTerms.length === 0) return;
    for (const t of newTerms) terms.add(t);
    q.terms.push(...newTerms);
    q.text = `${q.text} ${added}`;
    q.expansions.push({ typed, added, terms: newTerms });
  };
  for (const word of q.text.split(/\s+/)) {
    const a = shortFormOf(word, table);
    if (a) add(word, a.long);
  }
  const key = ` ${analyze(q.text.replace(/-/g, " ")).join(" ")} `;
  for (const [longKey, a] of table.byLongKey)
    if (key.includes(` ${longKey} `)) add(a.long, a.short.toUpperCase());
}

interface Cached {
  table: AcronymTable;
  refreshedAt: number;
  checkedAt: number;
}
const cache = new WeakMap<object, Cached>();
// The stored pairs change when a refresh runs (hours apart); look for one at most this often.
const CHECK_EVERY_MS = 30_000;

/** The reliable pairs of a database, cached per handle and reloaded after a refresh. */
export async function acronymTableFor(db: Queryable): Promise<AcronymTable> {
  const now = Date.now();
  const cached = cache.get(db);
  if (cached && now - cached.checkedAt < CHECK_EVERY_MS) return cached.table;
  const state = await acronymRefreshState(db);
  const refreshedAt = state?.refreshedAt.getTime() ?? 0;
  if (cached && cached.refreshedAt === refreshedAt) {
    cached.checkedAt = now;
    return cached.table;
  }
  const table = acronymTable(state ? await storedAcronyms(db) : []);
  cache.set(db, { table, refreshedAt, checkedAt: now });
  return table;
}
