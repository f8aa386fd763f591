import type { Queryable } from "../src/db/client.ts";
import { upsertPapers } from "../src/papers/store.ts";
import type { PaperInput } from "../src/papers/types.ts";
import type { IndexDoc, RankOptions } from "../src/search/keyword-index.ts";
import { parseQuery } from "../src/search/query.ts";
import { scifactCorpus, scifactQueries } from "./scifact/data.ts";

/**
 * Generated papers with realistic abstracts for search benchmarks: real sentences of SciFact's
 * 5,183 abstracts recombined (so word frequencies follow real scientific prose), with one word in
 * ten swapped for a Zipf-distributed synthetic term, so the vocabulary keeps growing with the
 * corpus as real arXiv's does. Deterministic for a seed.
 */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  "Wei",
  "Anna",
  "Jin",
  "Maria",
  "Yann",
  "Li",
  "Sara",
  "Ahmed",
  "Olga",
  "Kenji",
  "Priya",
  "Lucas",
  "Chen",
  "Fatima",
  "Diego",
];
const LAST = [
  "Zhang",
  "Smith",
  "Ye",
  "Garcia",
  "Müller",
  "Wang",
  "Kim",
  "Rossi",
  "Ivanova",
  "Tanaka",
  "Patel",
  "Silva",
  "Nguyen",
  "Haddad",
  "Chen",
];
const CATS = [
  "cs.CV",
  "cs.CL",
  "cs.LG",
  "cs.AI",
  "stat.ML",
  "q-bio.NC",
  "physics.med-ph",
  "eess.IV",
  "cs.RO",
  "math.OC",
];

export function* generatePapers(count: number, seed = 42): Generator<PaperInput> {
  const random = rng(seed);
  const sentences = scifactCorpus().flatMap((d) => d.text.split(/(?<=\.)\s+/).filter((s) => s.length > 30));
  const titles = scifactCorpus().map((d) => d.title);
  const zipf = () => `syn${Math.floor(1 / (random() + 1e-6) ** 1.1)}`;
  for (let i = 0; i < count; i++) {
    const n = 5 + Math.floor(random() * 6);
    const parts: string[] = [];
    for (let j = 0; j < n; j++) parts.push(sentences[Math.floor(random() * sentences.length)]);
    const abstract = parts
      .join(" ")
      .split(" ")
      .map((w) => (random() < 0.1 ? zipf() : w))
      .join(" ");
    const authors = Array.from({ length: 1 + Math.floor(random() * 6) }, () => ({
      name: `${FIRST[Math.floor(random() * FIRST.length)]} ${LAST[Math.floor(random() * LAST.length)]}`,
    }));
    const day = new Date(Date.UTC(2015, 0, 1) + Math.floor(random() * 3650) * 86_400_000);
    const yymm = `${String(day.getUTCFullYear()).slice(2)}${String(day.getUTCMonth() + 1).padStart(2, "0")}`;
    yield {
      arxivId: `${yymm}.${String(i).padStart(5, "0").slice(-5)}${i >= 100_000 ? `x${Math.floor(i / 100_000)}` : ""}`,
      title: titles[Math.floor(random() * titles.length)],
      abstract,
      authors,
      categories: [CATS[Math.floor(random() * CATS.length)]],
      publishedAt: day,
      source: "sample",
    };
  }
}

/** Stores `count` generated papers, 2,000 a statement, without holding them all in memory. */
export async function insertGeneratedPapers(db: Queryable, count: number): Promise<void> {
  let batch: PaperInput[] = [];
  for (const p of generatePapers(count)) {
    batch.push(p);
    if (batch.length === 2000) {
      await upsertPapers(db, batch);
      batch = [];
    }
  }
  await upsertPapers(db, batch);
}

/** Benchmark queries: 2 to 4 words of SciFact's claims, plus filters on one in five. */
export function benchQueries(count: number, seed = 7): string[] {
  const random = rng(seed);
  const claims = [...scifactQueries().values()];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const words = claims[Math.floor(random() * claims.length)]
      .replace(/[^\p{L}\p{N}\s-]/gu, " ")
      .split(/\s+/)
      .filter((w) => w.length > 2);
    const start = Math.floor(random() * Math.max(1, words.length - 3));
    let q = words.slice(start, start + 2 + Math.floor(random() * 3)).join(" ");
    if (i % 5 === 4) q += ` category:${CATS[i % CATS.length]} after:2018`;
    out.push(q || "protein");
  }
  return out;
}

/**
 * Synthetic unit vectors shaped like a text model's: noise around 2,000 topic centres with a
 * Zipf-like topic size, which is harder for an HNSW graph than real, smoother data. Returns a
 * function giving the next vector; deterministic for a seed. With `querySeed`, the vectors are
 * new ones around the same centres (queries near the papers' topics).
 */
export function topicVectors(dims: number, seed = 11, querySeed?: number): () => Float32Array {
  let rand = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const normalize = (v: Float32Array) => {
    let n = 0;
    for (const x of v) n += x * x;
    n = Math.sqrt(n);
    for (let i = 0; i < v.length; i++) v[i] /= n;
    return v;
  };
  const centres = Array.from({ length: 2000 }, () => normalize(Float32Array.from({ length: dims }, gauss)));
  // Queries: other vectors around the same centres, without generating the papers' first.
  if (querySeed !== undefined) rand = rng(querySeed);
  return () => {
    const c = centres[Math.floor(centres.length * rand() ** 2)];
    return normalize(Float32Array.from(c, (x) => x + 0.06 * gauss()));
  };
}

/** A generated paper as the keyword index takes it, as the papers table would give it. */
export function indexDoc(p: PaperInput): IndexDoc {
  return {
    arxivId: p.arxivId,
    title: p.title,
    authors: (p.authors ?? []).map((a) => a.name).join(", "),
    abstract: p.abstract ?? "",
    categories: p.categories ?? [],
    publishedDay: p.publishedAt?.toISOString().slice(0, 10) ?? null,
    modifiedMs: 0,
  };
}

/** A benchmark query as in-process ranking options: its terms and filters, top 20. */
export function rankOptions(q: string): RankOptions {
  const p = parseQuery(q);
  return { terms: p.terms, categories: p.filters.categories, after: p.filters.after, k: 20 };
}
