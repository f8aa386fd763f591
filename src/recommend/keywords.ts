import { idf as bm25Idf, lengthNorm } from "../search/bm25.ts";
import { analyze } from "../search/text.ts";
import { type SparseVector, sparseFrom } from "./sparse.ts";

/**
 * Keyword features of papers: TF-IDF over the search analyser's stems (TeX, accents, stemming
 * and stop words handled the same way as search), optionally with adjacent-stem bigrams, with
 * BM25-saturated term frequency (by default) and unit length.
 */
export interface KeywordSpace {
  terms: Map<string, number>;
  idf: Float32Array;
  docs: number;
  /** Single stems in more than COMMON_SHARE of the papers: they name no subject of this corpus. */
  common: Set<string>;
  opts: KeywordOptions;
  /** Mean tokens per paper (BM25's length normalisation). */
  avgLength: number;
}

export interface KeywordOptions {
  /** Terms in more than this share of the corpus say nothing about a person's taste. */
  maxDfShare: number;
  bigrams: boolean;
  /** Adjacent-stem trigrams too (kept when at least two papers share one). Measured, not taken. */
  trigrams?: boolean;
  /**
   * The title's stems and bigrams again as features of their own ("t:" before the term, never
   * shown: labels come from titles as written), their weight scaled by this (0: none). Measured,
   * not taken.
   */
  titleWeight?: number;
  /**
   * Term frequency: 1 + ln tf (sublinear), 1 (binary), or BM25's saturation
   * tf · (k1 + 1) / (tf + k1 · (1 − b + b · length / mean length)).
   */
  tf: "sublinear" | "binary" | "bm25";
  bm25K1: number;
  bm25B: number;
  /**
   * idf over the pool: ln((1 + n) / (1 + df)) + 1 (scikit-learn's, the default) or BM25's
   * ln(1 + (n − df + 0.5) / (df + 0.5)). Measured, not taken.
   */
  idf?: "smooth" | "bm25";
}

/**
 * Measured on bench/recommend's tuning draws (mean AP at k = 5, global model): unigrams with
 * terms in at most 10% of the papers 0.589 / 0.162 / 0.318 (Bannach-Brown / Kitchenham /
 * Nagtegaal); adjacent-stem bigrams 0.649 / 0.147 / 0.323; bigrams with terms in at most 20%
 * 0.667 / 0.180 / 0.337 (30%: no better). Kitchenham's includes are systematic reviews, and
 * "review" is in 15% of its papers: a 10% cut threw away its best word.
 *
 * Term frequency (eighth session, mean AP at k = 5 / 10 on the tuning draws, Bannach-Brown /
 * Kitchenham / Nagtegaal; merged-pool recall@20 per interest): sublinear 0.678 / 0.639, 0.172 /
 * 0.223, 0.348 / 0.413, merged 0.0247 / 0.0350 / 0.0208; BM25 with k1 0.5, b 0.75 0.677 / 0.673,
 * 0.200 / 0.258, 0.339 / 0.380, merged 0.0262 / 0.0400 / 0.0250 (baseline 0.539 / 0.552, 0.161 /
 * 0.229, 0.262 / 0.357, merged 0.0305 / 0.0350 / 0.0292); binary 0.671 / 0.665, 0.200 / 0.264,
 * 0.329 / 0.369, merged 0.0269 / 0.0450 / 0.0187; BM25 k1 1.2 0.678 / 0.652, 0.189 / 0.240,
 * 0.340 / 0.392. Why is not known: it is not that Kitchenham's genre words ("systematic review",
 * "journal", "publish") count for more, their share of its includes' vectors falls (1.5% to 1.1%
 * of the squared norm). On the reported draws Kitchenham went from 1.01 to 1.18 ×. Nagtegaal
 * loses at k = 10 (and k = 1, 0.265 to 0.240) but stays above 1.2 × at k = 5. Title terms as
 * features of their own (titleWeight 0.3 to 1.5) and trigrams lost on Kitchenham, with either tf.
 */
export const DEFAULT_KEYWORD_OPTIONS: KeywordOptions = {
  maxDfShare: 0.2,
  bigrams: true,
  tf: "bm25",
  bm25K1: 0.5,
  bm25B: 0.75,
};

const MIN_MAX_DF = 50;
/**
 * A word in more than a fifth of the papers (and in more than MIN_MAX_DF) is common: on the
 * site's sample, all machine learning, "model", "language" and "learning" are, "reinforcement"
 * and "video" are not. Fixed apart from the classifier's cut (maxDfShare), which is tuned for ranking.
 */
const COMMON_SHARE = 0.2;

/** A paper's text for keywords. */
function paperKeywordText(title: string, abstract: string): string {
  return `${title}. ${abstract}`;
}

/** What a paper's keywords are drawn from. */
export interface KeywordDoc {
  title: string;
  abstract: string;
}

export const TITLE_PREFIX = "t:";

function ngrams(stems: string[], opts: KeywordOptions): string[] {
  const out = stems.slice();
  if (opts.bigrams) for (let i = 1; i < stems.length; i++) out.push(`${stems[i - 1]} ${stems[i]}`);
  if (opts.trigrams)
    for (let i = 2; i < stems.length; i++) out.push(`${stems[i - 2]} ${stems[i - 1]} ${stems[i]}`);
  return out;
}

function keywordTokens(doc: KeywordDoc, opts: KeywordOptions): string[] {
  const out = ngrams(analyze(paperKeywordText(doc.title, doc.abstract)), opts);
  if (opts.titleWeight) for (const t of ngrams(analyze(doc.title), opts)) out.push(TITLE_PREFIX + t);
  return out;
}

/** A corpus's space and every paper's vector in it, analysing each text once. */
export function keywordVectors(
  docs: KeywordDoc[],
  opts: KeywordOptions = DEFAULT_KEYWORD_OPTIONS,
): { space: KeywordSpace; vectors: SparseVector[] } {
  const tokens = docs.map((d) => keywordTokens(d, opts));
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
  const single = (t: string) => !t.includes(" ") && !t.startsWith(TITLE_PREFIX);
  const kept = [...df].filter(([t, f]) => f <= maxDf && (f > 1 || single(t)));
  kept.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const terms = new Map(kept.map(([t], i) => [t, i]));
  const titleWeight = opts.titleWeight ?? 0;
  const idf = Float32Array.from(
    kept,
    ([t, f]) =>
      (opts.idf === "bm25" ? bm25Idf(n, f) : Math.log((1 + n) / (1 + f)) + 1) *
      (t.startsWith(TITLE_PREFIX) ? titleWeight : 1),
  );
  const commonDf = Math.max(MIN_MAX_DF, COMMON_SHARE * n);
  const common = new Set([...df].filter(([t, f]) => f > commonDf && single(t)).map(([t]) => t));
  const avgLength = docs.reduce((s, d) => s + d.length, 0) / (n || 1);
  return { terms, idf, docs: n, common, opts, avgLength };
}

/** Whether a word, as written, is common in the space's corpus (every stem of it is; a stop word is). */
export function isCommonWord(space: KeywordSpace, word: string): boolean {
  return analyze(word).every((stem) => space.common.has(stem));
}

/** A text as a unit TF-IDF vector in the space (the term frequency of its options); unknown terms are ignored. */
export function keywordVector(space: KeywordSpace, doc: KeywordDoc): SparseVector {
  return vectorOfTokens(space, keywordTokens(doc, space.opts));
}

function vectorOfTokens(space: KeywordSpace, tokens: string[]): SparseVector {
  const tf = new Map<number, number>();
  for (const term of tokens) {
    const id = space.terms.get(term);
    if (id !== undefined) tf.set(id, (tf.get(id) ?? 0) + 1);
  }
  const o = space.opts;
  const k1 = o.bm25K1;
  const norm = lengthNorm(tokens.length, space.avgLength, o.bm25B);
  const weigh =
    o.tf === "binary"
      ? () => 1
      : o.tf === "bm25"
        ? (f: number) => (f * (k1 + 1)) / (f + k1 * norm)
        : (f: number) => 1 + Math.log(f);
  const w = new Map<number, number>();
  for (const [id, f] of tf) w.set(id, weigh(f) * space.idf[id]);
  return sparseFrom(w);
}
