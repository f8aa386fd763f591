import { analyze, isDisplayStopTerm } from "../search/text.ts";

/**
 * An extractive summary and keyphrases for a paper, offline, scored against the corpus:
 *
 * - Summary: the abstract sentence closest to the whole paper (cosine of tf-idf vectors with
 *   the title counted twice), so background sentences ("X is important") lose to the one that
 *   states what the paper does; very short and very long sentences are passed over.
 * - Keyphrases: runs of words between stop words and punctuation (as RAKE cuts them), one to
 *   four words, scored by the corpus idf of their words, how often the paper uses them and
 *   whether the title does; near-duplicates (same stems) are kept once, in their most common
 *   spelling.
 */
export interface CorpusStats {
  /** Papers in the corpus. */
  docs: number;
  /** Papers that contain an analysed term. */
  docFreq(term: string): number;
}

export interface Extracted {
  summary: string;
  keyphrases: string[];
}

const MAX_KEYPHRASES = 8;
const MIN_SENTENCE_WORDS = 6;
const MAX_SENTENCE_WORDS = 60;
const MAX_SUMMARY_CHARS = 400;

const idfOf = (c: CorpusStats, t: string) => Math.log(1 + (c.docs + 1) / (c.docFreq(t) + 1));

/** Sentences of an abstract; "e.g." and "Fig. 2" do not end one. */
function sentences(text: string): string[] {
  const flat = text.replace(/\s+/g, " ").trim();
  const out: string[] = [];
  let start = 0;
  for (const m of flat.matchAll(/[.!?](?=\s+["'([]?[A-Z0-9])/g)) {
    const end = (m.index ?? 0) + 1;
    const before = flat.slice(Math.max(start, end - 6), end).toLowerCase();
    if (/\b(e\.g|i\.e|et al|fig|eq|vs|cf|resp|no|approx)\.$/.test(before)) continue;
    out.push(flat.slice(start, end).trim());
    start = end;
  }
  if (start < flat.length) out.push(flat.slice(start).trim());
  return out.filter(Boolean);
}

function tfidf(terms: string[], corpus: CorpusStats): Map<string, number> {
  const v = new Map<string, number>();
  for (const t of terms) if (!isDisplayStopTerm(t)) v.set(t, (v.get(t) ?? 0) + 1);
  for (const [t, tf] of v) v.set(t, (1 + Math.log(tf)) * idfOf(corpus, t));
  return v;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, x] of a) {
    na += x * x;
    const y = b.get(t);
    if (y) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

function extractiveSummary(title: string, abstract: string, corpus: CorpusStats): string {
  const all = sentences(abstract);
  if (all.length === 0) return "";
  const whole = tfidf([...analyze(title), ...analyze(title), ...analyze(abstract)], corpus);
  let best = all[0];
  let bestScore = -1;
  for (const s of all) {
    const words = s.split(" ").length;
    const fits = words >= MIN_SENTENCE_WORDS && words <= MAX_SENTENCE_WORDS;
    // Sentences that say what the paper does make the better one-line summary.
    const states = CONTRIBUTION.test(s) ? 1.3 : 1;
    const score = cosine(tfidf(analyze(s), corpus), whole) * (fits ? 1 : 0.5) * states;
    if (score > bestScore) [best, bestScore] = [s, score];
  }
  return best.length > MAX_SUMMARY_CHARS
    ? `${best.slice(0, MAX_SUMMARY_CHARS).replace(/\s+\S*$/, "")} …`
    : best;
}

const CONTRIBUTION =
  /\b(we|this (paper|work|study)|here)\b[^.]{0,40}\b(propose|introduce|present|show|develop|find|demonstrate)/i;
const RUN_BREAK = /[.,;:!?()[\]{}"“”]|\s[-–—]\s/;

/** "Models" at a sentence start reads as "models"; "SSMs", "ImageNet" and "GPT-4" keep their case. */
function displayWord(w: string): string {
  return /^\p{Lu}\p{Ll}+$/u.test(w) ? w.toLowerCase() : w;
}

/** Candidate phrases: runs of non-stop words, one to four words, in the text's own spelling. */
function candidates(text: string): string[] {
  const out: string[] = [];
  for (const chunk of text.split(RUN_BREAK)) {
    let run: string[] = [];
    const flush = () => {
      for (let i = 0; i < run.length; i += 4) {
        const part = run.slice(i, i + 4);
        if (part.length > 0) out.push(part.join(" "));
      }
      run = [];
    };
    for (const word of chunk.split(/\s+/).filter(Boolean)) {
      const w = displayWord(word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}+]+$/gu, ""));
      const stems = analyze(w);
      const junk = /^\d+$/.test(w) || w.length < 2 || /[/@\\$]|http/.test(w);
      if (junk || stems.length === 0 || stems.every(isDisplayStopTerm)) flush();
      else run.push(w);
    }
    flush();
  }
  return out;
}

function keyphrases(title: string, abstract: string, corpus: CorpusStats, max = MAX_KEYPHRASES): string[] {
  const titleTerms = new Set(analyze(title));
  const groups = new Map<
    string,
    { score: number; count: number; spellings: Map<string, number>; terms: string[] }
  >();
  for (const c of [...candidates(title), ...candidates(abstract)]) {
    const terms = analyze(c).filter((t) => !isDisplayStopTerm(t));
    if (terms.length === 0) continue;
    const key = terms.join(" ");
    let g = groups.get(key);
    if (!g) {
      g = { score: 0, count: 0, spellings: new Map(), terms };
      groups.set(key, g);
    }
    g.count++;
    g.spellings.set(c, (g.spellings.get(c) ?? 0) + 1);
  }
  for (const g of groups.values()) {
    const idf = g.terms.reduce((s, t) => s + idfOf(corpus, t), 0) / g.terms.length;
    const inTitle = g.terms.every((t) => titleTerms.has(t)) ? 1.5 : 1;
    // Two- and three-word phrases name topics better than single words.
    const length = g.terms.length === 1 ? 0.7 : g.terms.length <= 3 ? 1 : 0.8;
    g.score = idf * (1 + Math.log(g.count)) * inTitle * length;
  }
  const ranked = [...groups.values()].sort((a, b) => b.score - a.score);
  const chosen: typeof ranked = [];
  for (const g of ranked) {
    if (chosen.length >= max) break;
    // "language models" adds nothing next to "large language models".
    const covered = chosen.some(
      (c) => g.terms.every((t) => c.terms.includes(t)) || c.terms.every((t) => g.terms.includes(t)),
    );
    if (!covered) chosen.push(g);
  }
  return chosen.map((g) => [...g.spellings].sort((a, b) => b[1] - a[1])[0][0]);
}

export function extract(title: string, abstract: string, corpus: CorpusStats): Extracted {
  return {
    summary: extractiveSummary(title, abstract, corpus),
    keyphrases: keyphrases(title, abstract, corpus),
  };
}
