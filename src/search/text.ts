import { eng as ENGLISH_STOP_WORDS } from "stopword";
import { light, type Stemmer } from "./stemmers.ts";

/**
 * The one text analyser for search: documents and queries go through the same steps, so a
 * query matches whatever spelling the paper used. Shared by the keyword index, highlighting
 * and the semantic model.
 *
 * Steps: TeX clean-up (`$\pi$` -> pi, `\emph{x}` -> x, `\"o` -> o), Unicode NFKD with the
 * combining marks dropped (é -> e, ﬁ -> fi), lower case, words of letters and digits, possessive
 * `'s` dropped, light stemming (stemmers.ts: inflections and meaning-keeping derivations,
 * so medical and medication stay apart), and Lucene's English stop words removed (the list
 * Elasticsearch's `english` analyzer uses, so BM25 compares with BEIR's baseline). Hyphenated
 * compounds yield their parts and the joined form ("pre-training" -> pre, train, pretrain), so
 * "pre-training" and "pretraining" find each other in either direction.
 */

export const STOP_WORDS: ReadonlySet<string> = new Set(
  "a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with".split(
    " ",
  ),
);

// Formatting commands whose name is noise but whose argument is text.
const TEX_FORMAT =
  /\\(?:emph|textbf|textit|textrm|texttt|textsf|textsc|mathrm|mathbf|mathit|mathcal|mathbb|mathsf|text|bf|it|rm|tt|cal|bm|boldsymbol|operatorname)\b\s*/g;
// Accent commands (\"o, \'e, \^{o}, \c{c}) whose letter survives.
const TEX_ACCENT = /\\(?:["'`^~=.]|[uvHck](?![a-zA-Z]))\s*\{?([a-zA-Z])\}?/g;
const MARKS = /\p{M}+/gu;
const NON_ASCII = /[^\x00-\x7f]/;
const POSSESSIVE = /['’]s\b/g;
const ASCII_COMPOUND = /[a-z0-9]+(?:-[a-z0-9]+)*/g;
const COMPOUND = /[\p{L}\p{N}]+(?:[-‐‑][\p{L}\p{N}]+)*/gu;

/** Case, accents and TeX normalised; word boundaries kept. Safe on any input. */
export function normalizeText(text: string): string {
  let s = text;
  if (s.includes("\\"))
    s = s
      .replace(TEX_ACCENT, "$1")
      .replace(TEX_FORMAT, " ")
      .replace(/\\([a-zA-Z]+)/g, " $1");
  // Math delimiters would split "$\pi$-Net" from its hyphen.
  if (s.includes("$")) s = s.replace(/\$/g, "");
  // Most text is ASCII, and NFKD with the mark pass is the costliest step: skip it there.
  if (NON_ASCII.test(s)) s = s.normalize("NFKD").replace(MARKS, "");
  return s.toLowerCase().replace(POSSESSIVE, "");
}

export interface Analyzer {
  /** Stem of one lower-case word, cached because vocabularies are Zipfian. */
  stem(word: string): string;
  /**
   * Index terms of a text, with repeats (term frequency counts them). Stop words are dropped; a
   * hyphenated compound adds its joined form after its parts.
   */
  analyze(text: string): string[];
  /** Stemmed tokens in order, stop words kept and compounds split: what phrases compare. */
  phraseTokens(text: string): string[];
}

/** An analyser with the given stemmer; search uses one (`analyze` below), benchmarks compare others. */
export function createAnalyzer(stemmer: Stemmer): Analyzer {
  const cache = new Map<string, string>();
  const stem = (word: string): string => {
    let s = cache.get(word);
    if (s === undefined) {
      s = word.length > 2 && !/\d/.test(word) ? stemmer(word) : word;
      if (cache.size > 500_000) cache.clear();
      cache.set(word, s);
    }
    return s;
  };
  return {
    stem,
    analyze(text) {
      const out: string[] = [];
      const norm = normalizeText(text);
      // After normalisation, ASCII text needs no Unicode classes: a plain regex is much faster.
      for (const m of norm.matchAll(NON_ASCII.test(norm) ? COMPOUND : ASCII_COMPOUND)) {
        const compound = m[0];
        if (compound.indexOf("-") === -1 && compound.indexOf("‐") === -1 && compound.indexOf("‑") === -1) {
          if (!STOP_WORDS.has(compound)) out.push(stem(compound));
          continue;
        }
        const parts = compound.split(/[-‐‑]/);
        for (const p of parts) if (!STOP_WORDS.has(p)) out.push(stem(p));
        out.push(stem(parts.join("")));
      }
      return out;
    },
    phraseTokens(text) {
      const out: string[] = [];
      for (const m of normalizeText(text).matchAll(COMPOUND))
        for (const p of m[0].split(/[-‐‑]/)) out.push(stem(p));
      return out;
    },
  };
}

const searchAnalyzer = createAnalyzer(light);
const stem = searchAnalyzer.stem;
export const analyze = searchAnalyzer.analyze;
export const phraseTokens = searchAnalyzer.phraseTokens;

// Ranking keeps Lucene's short list (BM25 was tuned with it, and "how" or "from" can matter
// to a query), but nothing a person reads may present them as what a paper matched on: the
// `stopword` package's English list (108 words) plus Lucene's, as stems.
const DISPLAY_STOP_STEMS: ReadonlySet<string> = new Set(
  [...ENGLISH_STOP_WORDS, ...STOP_WORDS].map((w) => stem(w.toLowerCase())),
);

/** Whether a stemmed term is too common to show as a match (highlights, "Matched:"). */
export function isDisplayStopTerm(term: string): boolean {
  return DISPLAY_STOP_STEMS.has(term);
}

export interface WordSpan {
  start: number;
  end: number;
  /** The stems this word stands for: its own, and for a compound also its parts'. */
  stems: string[];
}

const RAW_WORD = /[\p{L}\p{N}\p{M}]+(?:[-‐‑'’][\p{L}\p{N}\p{M}]+)*/gu;

/**
 * Words of the ORIGINAL text with their offsets, for highlighting: the offsets point into the
 * text as stored, while `stems` are what the analyser would index for that word.
 */
export function wordSpans(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const m of text.matchAll(RAW_WORD)) {
    const start = m.index ?? 0;
    const word = m[0];
    const parts = normalizeText(word)
      .split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    if (parts.length === 0) continue;
    const stems = parts.map(stem);
    if (parts.length > 1) stems.push(stem(parts.join("")));
    spans.push({ start, end: start + word.length, stems });
  }
  return spans;
}
