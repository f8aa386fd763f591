import { analyze } from "../search/text.ts";
import { type SparseVector, sparseFrom } from "./sparse.ts";

/**
 * Keyword features of papers: TF-IDF over the search analyser's stems (TeX, accents, stemming
 * and stop words handled the same way as search), optionally with adjacent-stem bigrams, with
 * sublinear term frequency and unit length.
 */
export interface KeywordSpace {
  terms: Map<string, number>;
  idf: Float32Array;
  docs: number;
  /** Single stems in more than COMMON_SHARE of the papers: they name no subject of this corpus. */
  common: Set<string>;
}

export interface KeywordOptions {
  /** Terms in more than this share of the corpus say nothing about a person's taste. */
  maxDfShare: number;
  bigrams: boolean;
}

/**
 * Measured on bench/recommend's tuning draws (mean AP at k = 5, global model): unigrams with
 * terms in at most 10% of the papers 0.589 / 0.162 / 0.318 (Bannach-Brown / Kitchenham /
 * Nagtegaal); adjacent-stem bigrams 0.649 / 0.147 / 0.323; bigrams with terms in at most 20%
 * 0.667 / 0.180 / 0.337 (30%: no better). Kitchenham's includes are systematic reviews, and
 * "review" is in 15% of its papers: a 10% cut threw away its best word.
 */
export const DEFAULT_KEYWORD_OPTIONS: KeywordOptions = { maxDfShare: 0.2, bigrams: true };

const MIN_MAX_DF = 50;
/**
 * A word in more than a fifth of the papers (and in more than MIN_MAX_DF) is common: on the
 * site's sample, all machine learning, "model", "language" and "learning" are, "reinforcement"
 * and "video" are not. Fixed apart from the classifier's cut (maxDfShare), which is tuned for ranking.
 */
const COMMON_SHARE = 0.2;

/** A paper's text for keywords. */
export function paperKeywordText(title: string, abstract: string): string {
  return `${title}. ${abstract}`;
}

function keywordTokens(text: string, bigrams: boolean): string[] {
  const stems = analyze(text);
  if (!bigrams) return stems;
  const out = stems.slice();
  for (let i = 1; i < stems.length; i++) out.push(`${stems[i - 1]} ${stems[i]}`);
  return out;
}

/** A corpus's space and every paper's vector in it, analysing each text once. */
export function keywordVectors(
  texts: string[],
  opts: KeywordOptions = DEFAULT_KEYWORD_OPTIONS,
): { space: KeywordSpace; vectors: SparseVector[] } {
  const tokens = texts.map((t) => keywordTokens(t, opts.bigrams));
  const space = spaceFromTokens(tokens, opts);
  return { space, vectors: tokens.map((t) => vectorOfTokens(space, t)) };
}

function spaceFromTokens(docs: string[][], opts: KeywordOptions): KeywordSpace {
  const df = new Map<string, number>();
  for (const d of docs) for (const term of new Set(d)) df.set(term, (df.get(term) ?? 0) + 1);
  const n = docs.length;
  // A small site keeps its common words: below 500 papers, 10% is too few to judge by.
  const maxDf = Math.max(MIN_MAX_DF, opts.maxDfShare * n);
  // A bigram in one paper only can never link two papers; dropping those keeps the vocabulary
  // a few times smaller. (A single word in one paper is kept: it still weighs in the vector's norm
  // as scikit-learn's min_df 1 has it.)
  const kept = [...df].filter(([t, f]) => f <= maxDf && (f > 1 || !t.includes(" ")));
  kept.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const terms = new Map(kept.map(([t], i) => [t, i]));
  const idf = Float32Array.from(kept, ([, f]) => Math.log((1 + n) / (1 + f)) + 1);
  const commonDf = Math.max(MIN_MAX_DF, COMMON_SHARE * n);
  const common = new Set([...df].filter(([t, f]) => f > commonDf && !t.includes(" ")).map(([t]) => t));
  return { terms, idf, docs: n, common };
}

/** Whether a word, as written, is common in the space's corpus (every stem of it is; a stop word is). */
export function isCommonWord(space: KeywordSpace, word: string): boolean {
  return analyze(word).every((stem) => space.common.has(stem));
}

/** A text as a unit TF-IDF vector (sublinear tf) in the space; unknown terms are ignored. */
export function keywordVector(
  space: KeywordSpace,
  text: string,
  bigrams = DEFAULT_KEYWORD_OPTIONS.bigrams,
): SparseVector {
  return vectorOfTokens(space, keywordTokens(text, bigrams));
}

function vectorOfTokens(space: KeywordSpace, tokens: string[]): SparseVector {
  const tf = new Map<number, number>();
  for (const term of tokens) {
    const id = space.terms.get(term);
    if (id !== undefined) tf.set(id, (tf.get(id) ?? 0) + 1);
  }
  const w = new Map<number, number>();
  for (const [id, f] of tf) w.set(id, (1 + Math.log(f)) * space.idf[id]);
  return sparseFrom(w);
}
