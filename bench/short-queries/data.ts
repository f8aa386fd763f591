import fs from "node:fs";
import path from "node:path";
import { itemFromHfEntry } from "../../src/ingest/hf-entry.ts";
import { parsePythonLiteral } from "../../src/ingest/python-literal.ts";
import { mulberry32 } from "../../src/search/embed/random.ts";

/**
 * A proxy for the short topical queries people type ("video diffusion", "reward hacking"),
 * built from the Hugging Face daily-papers responses in ../shared (see README.md beside this
 * file). The corpus is every paper in them (title, authors, abstract). Queries are HF's own
 * `ai_keywords` of one to three words; a paper's relevance comes from its ai_keywords alone,
 * which no search mode indexes, so the judgments do not come from any ranking under test:
 *   2: the paper lists the keyword (or its acronym, as HF writes "… (RL)");
 *   1: the paper lists a longer keyword that contains it ("video diffusion models" for
 *      "diffusion models").
 */
export const HF_DIR = path.resolve(process.env.HF_DAILY_DIR ?? "../shared/data/hf-daily");

export interface HfPaper {
  id: string;
  title: string;
  abstract: string;
  authors: string;
  keywords: string[];
}

export function hfCorpus(): HfPaper[] {
  const byId = new Map<string, HfPaper>();
  for (const name of fs
    .readdirSync(HF_DIR)
    .filter((n) => /^\d{4}-\d{2}-\d{2}\.json$/.test(n))
    .sort()) {
    let json = JSON.parse(fs.readFileSync(path.join(HF_DIR, name), "utf8")) as unknown;
    if (!Array.isArray(json)) json = (json as { data?: unknown[] }).data ?? [];
    for (let raw of json as unknown[]) {
      if (typeof raw === "string") raw = parsePythonLiteral(raw);
      const r = itemFromHfEntry(raw, name.slice(0, 10));
      if (!r.ok) continue;
      const p = r.item.paper;
      byId.set(p.arxivId, {
        id: p.arxivId,
        title: p.title,
        abstract: p.abstract ?? "",
        authors: (p.authors ?? []).map((a) => a.name).join(", "),
        keywords: p.aiKeywords ?? [],
      });
    }
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Judgment-side normalisation, deliberately independent of the search analyser under test. */
function norm(keyword: string): string {
  return keyword
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/\([^)]*\)/g, " ")
    .replace(/[-_/]+/g, " ")
    .replace(/[^a-z0-9.@+ ]+/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => (w.length > 3 && /s$/.test(w) && !/(ss|us|is)$/.test(w) ? w.slice(0, -1) : w))
    .join(" ");
}

export interface Proxy {
  queries: Map<string, string>;
  qrels: Map<string, Map<string, number>>;
}

export function shortQueryProxy(
  corpus: HfPaper[],
  opts: { count?: number; minPapers?: number; maxPapers?: number; seed?: number } = {},
): Proxy {
  const { count = 300, minPapers = 5, maxPapers = 100, seed = 7 } = opts;
  // HF writes acronyms beside their long form: "reinforcement learning (RL)".
  const alias = new Map<string, string>();
  for (const p of corpus)
    for (const k of p.keywords) {
      const m = /^(.+?)\s*\(([^)]{2,10})\)\s*$/.exec(k);
      if (m && norm(m[2]) && norm(m[1])) alias.set(norm(m[2]), norm(m[1]));
    }
  const group = (k: string) => {
    const n = norm(k);
    return alias.get(n) ?? n;
  };
  const papersOf = new Map<string, Set<string>>();
  const surface = new Map<string, Map<string, number>>();
  const groupsOf = new Map<string, Set<string>>();
  for (const p of corpus) {
    const gs = new Set(p.keywords.map(group).filter(Boolean));
    groupsOf.set(p.id, gs);
    for (const g of gs) {
      if (!papersOf.has(g)) papersOf.set(g, new Set());
      papersOf.get(g)?.add(p.id);
    }
    for (const k of p.keywords) {
      const text = k
        .replace(/\([^)]*\)/g, " ")
        .replace(/\s+/g, " ")
        .trim()
        .toLowerCase();
      const g = group(k);
      if (!surface.has(g)) surface.set(g, new Map());
      const s = surface.get(g);
      s?.set(text, (s.get(text) ?? 0) + 1);
    }
  }
  const candidates = [...papersOf]
    .filter(([g, ps]) => {
      const words = g.split(" ").length;
      return words >= 1 && words <= 3 && ps.size >= minPapers && ps.size <= maxPapers && /[a-z]/.test(g);
    })
    .map(([g]) => g)
    .sort();
  const rand = mulberry32(seed);
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
  }
  const queries = new Map<string, string>();
  const qrels = new Map<string, Map<string, number>>();
  for (const g of candidates.slice(0, count)) {
    const qid = `sq${queries.size + 1}`;
    const forms = [...(surface.get(g) ?? [])].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    queries.set(qid, forms[0]?.[0] ?? g);
    const rel = new Map<string, number>();
    const padded = ` ${g} `;
    for (const [id, gs] of groupsOf) {
      if (gs.has(g)) rel.set(id, 2);
      else if ([...gs].some((o) => ` ${o} `.includes(padded))) rel.set(id, 1);
    }
    qrels.set(qid, rel);
  }
  return { queries, qrels };
}
