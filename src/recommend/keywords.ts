import { analyze } from "../search/text.ts";
import { type SparseVector, sparseFrom } from "./sparse.ts";

/**
 * Keyword features of papers: TF-IDF over the search analyser's stems (TeX, accents, Porter
 * stemming and stop words handled the same way as search) plus adjacent-stem bigrams, with
 * sublinear term frequency and unit length. Bigrams carry phrases ("forced swim", "systematic
 * review") that single stems blur; measured on bench/recommend, they help every file.
 */
export interface KeywordSpace {
  terms: Map<string, number>;
  idf: Float32Array;
  docs: number;
}

export interface KeywordOptions {
  /** Terms in more than this share of the corpus say nothing about a person's taste. */
  maxDfShare: number;
  bigrams: boolean;
}

export const DEFAULT_KEYWORD_OPTIONS: KeywordOptions = { maxDfShare: 0.5, bigrams: true };

export function keywordTokens(text: string, bigrams: boolean): string[] {
  const stems = analyze(text);
  if (!bigrams) return stems;
  const out = stems.slice();
  for (let i = 1; i < stems.length; i++) out.push(`${stems[i - 1]} ${stems[i]}`);
  return out;
}

/** Learns the vocabulary and idf from a corpus; terms seen once are kept (small corpora need them). */
export function buildKeywordSpace(
  texts: string[],
  opts: KeywordOptions = DEFAULT_KEYWORD_OPTIONS,
): KeywordSpace {
  const df = new Map<string, number>();
  for (const t of texts)
    for (const term of new Set(keywordTokens(t, opts.bigrams))) df.set(term, (df.get(term) ?? 0) + 1);
  const n = texts.length;
  const kept = [...df].filter(([, f]) => f <= Math.max(1, opts.maxDfShare * n));
  kept.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const terms = new Map(kept.map(([t], i) => [t, i]));
  const idf = Float32Array.from(kept, ([, f]) => Math.log((1 + n) / (1 + f)) + 1);
  return { terms, idf, docs: n };
}

/** A text as a unit TF-IDF vector in the space; unknown terms are ignored. */
export function keywordVector(
  space: KeywordSpace,
  text: string,
  bigrams = DEFAULT_KEYWORD_OPTIONS.bigrams,
): SparseVector {
  const tf = new Map<number, number>();
  for (const term of keywordTokens(text, bigrams)) {
    const id = space.terms.get(term);
    if (id !== undefined) tf.set(id, (tf.get(id) ?? 0) + 1);
  }
  const w = new Map<number, number>();
  for (const [id, f] of tf) w.set(id, (1 + Math.log(f)) * space.idf[id]);
  return sparseFrom(w);
}
