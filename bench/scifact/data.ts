import fs from "node:fs";
import path from "node:path";
import { type Bm25Params, DEFAULT_BM25 } from "../../src/search/bm25.ts";
import { KeywordIndex } from "../../src/search/keyword-index.ts";

/** Reads the BEIR SciFact files from ../shared (never copied into the repo). */
export const SCIFACT_DIR = path.resolve(process.env.SCIFACT_DIR ?? "../shared/data/ir/scifact");

export interface ScifactDoc {
  id: string;
  title: string;
  text: string;
}

function jsonl<T>(file: string): T[] {
  return fs
    .readFileSync(path.join(SCIFACT_DIR, file), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export function scifactCorpus(): ScifactDoc[] {
  return jsonl<{ _id: string; title: string; text: string }>("corpus.jsonl").map((d) => ({
    id: d._id,
    title: d.title,
    text: d.text,
  }));
}

export function scifactQueries(): Map<string, string> {
  return new Map(jsonl<{ _id: string; text: string }>("queries.jsonl").map((q) => [q._id, q.text]));
}

/** qrels: query id → (doc id → relevance grade). */
export function scifactQrels(split: "train" | "test"): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const lines = fs
    .readFileSync(path.join(SCIFACT_DIR, "qrels", `${split}.tsv`), "utf8")
    .split("\n")
    .slice(1);
  for (const line of lines) {
    const [q, d, s] = line.trim().split("\t");
    if (!q || !d) continue;
    if (!out.has(q)) out.set(q, new Map());
    out.get(q)!.set(d, Number(s));
  }
  return out;
}

/** The in-process BM25F index (the code that serves /search) over the SciFact abstracts. */
export function scifactKeywordIndex(docs: ScifactDoc[], params: Bm25Params = DEFAULT_BM25): KeywordIndex {
  const ix = new KeywordIndex(params);
  for (const d of docs)
    ix.add({
      arxivId: d.id,
      title: d.title,
      authors: "",
      abstract: d.text,
      categories: [],
      publishedDay: null,
      modifiedMs: 0,
    });
  return ix;
}
