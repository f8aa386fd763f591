/**
 * Search-as-you-type at 100k papers: Suggester.suggest (what /api/suggest answers from) against
 * a plain reference, Array.filter over the same normalised titles and names, in the same run.
 * Typed prefixes are the first 2 to 12 characters of real titles and author names, as a person
 * types them. Results: bench/results/suggest.md.
 */
import os from "node:os";
import { normalizeForSuggest, Suggester } from "../src/search/suggest.ts";
import { generatePapers, rng } from "./search-corpus.ts";

const COUNT = Number(process.env.PAPERS ?? 100_000);
const QUERIES = 2000;

const papers = [...generatePapers(COUNT)];
const docs = papers.map((p) => ({
  arxivId: p.arxivId,
  title: p.title,
  authors: (p.authors ?? []).map((a) => a.name).join(", "),
  modifiedMs: 0,
}));
const suggester = new Suggester();
let t0 = performance.now();
suggester.addAll(docs);
suggester.suggest("warm up");
const buildMs = performance.now() - t0;

const random = rng(11);
const queries = Array.from({ length: QUERIES }, () => {
  const d = docs[Math.floor(random() * docs.length)];
  const source = random() < 0.7 ? d.title : d.authors.split(", ")[0];
  const words = source.split(" ");
  const start = Math.floor(random() * Math.max(1, words.length - 1));
  return words
    .slice(start)
    .join(" ")
    .slice(0, 2 + Math.floor(random() * 11));
});

const normTitles = docs.map((d) => normalizeForSuggest(d.title));
const normAuthors = [...new Set(docs.flatMap((d) => d.authors.split(", ").map(normalizeForSuggest)))];
function reference(q: string) {
  const n = normalizeForSuggest(q);
  const hit = (s: string) => s.startsWith(n) || s.includes(` ${n}`);
  return { papers: normTitles.filter(hit).slice(0, 5), authors: normAuthors.filter(hit).slice(0, 3) };
}

function time(fn: (q: string) => unknown): number[] {
  const ms: number[] = [];
  for (const q of queries) {
    const s = performance.now();
    fn(q);
    ms.push(performance.now() - s);
  }
  return ms.sort((a, b) => a - b);
}
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const ours = time((q) => suggester.suggest(q));
const ref = time(reference);
let empty = 0;
for (const q of queries)
  if (suggester.suggest(q).papers.length + suggester.suggest(q).authors.length === 0) empty++;

const row = (name: string, xs: number[]) =>
  `| ${name} | ${pct(xs, 0.5).toFixed(2)} | ${pct(xs, 0.95).toFixed(2)} | ${pct(xs, 0.99).toFixed(2)} | ${xs[xs.length - 1].toFixed(2)} |`;
t0 = performance.now();
console.log(`# Search suggestions benchmark

\`node --import tsx bench/suggest.bench.ts\`: ${COUNT.toLocaleString("en")} generated papers
(${normAuthors.length.toLocaleString("en")} distinct authors), ${QUERIES} typed prefixes of titles and
author names (2–12 characters), in one process. Machine: ${os.cpus().length} cores, Node ${process.version},
load average ${os
  .loadavg()
  .map((l) => l.toFixed(1))
  .join(" / ")} (shared with other jobs).
Run at ${new Date().toISOString()}.

Goal: /api/suggest answers in ≤ 30 ms at 100k papers.

| method | p50 ms | p95 ms | p99 ms | max ms |
|---|---|---|---|---|
${row("Suggester.suggest (ours)", ours)}
${row("reference: Array.filter over normalised strings", ref)}

Ratio at p95: ours is ${(pct(ref, 0.95) / pct(ours, 0.95)).toFixed(1)}× faster than the reference.
Building the texts: ${buildMs.toFixed(0)} ms (once at start, then again only after papers change).
Prefixes with no suggestion: ${empty} of ${QUERIES}.
The endpoint adds one small query on the topics table and the JSON encoding.`);
