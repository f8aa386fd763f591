import { eng as ENGLISH_STOP_WORDS } from "stopword";
import { STOP_WORDS } from "../search/text.ts";

// Words that open or close a title's phrase without naming a subject ("Towards", "via", "using").
// Inside a phrase they may stay ("Retrieval of Images").
const FILLER = new Set([
  ...STOP_WORDS,
  ..."via using towards toward from through beyond without within over under across when what how why can do does your you we our all new novel based approach method methods framework study versus vs its".split(
    " ",
  ),
]);

// Words that name no subject on their own, though they do inside a phrase ("Language Models").
const GENERIC_ALONE = new Set(
  "model learning data network system task performance result problem application".split(" "),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
const MAX_WORDS = 3;
const MAX_PHRASES = 2;

/**
 * A title or abstract without its TeX: inline math ($…$, \(…\)) and commands (\mathbb, \emph)
 * name symbols, not subjects, and would otherwise give phrases such as "Positive Integer D".
 */
function withoutTex(text: string): string {
  return text
    .replace(/\$\$[^$]*\$\$|\$[^$]*\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]/g, " ")
    .replace(/\\[A-Za-z]+\*?/g, " ")
    .replace(/[{}]/g, "");
}

/** "Agents" and "agent" are one phrase when counting; the commonest spelling is shown. */
function wordKey(word: string): string {
  const w = word.toLowerCase().replace(/-+$/, "");
  return w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w;
}

/** What a paper gives its interest's name: the title, and the abstract when it was read. */
export interface LabelSource {
  title: string;
  abstract?: string;
}

// Words an abstract uses about itself and its results, not about its subject: a phrase holding
// one ("we propose", "experimental results show") names nothing a person is interested in.
const ABSTRACT_FILLER = new Set(
  "paper papers propose proposed present presented introduce introduced show shows shown demonstrate demonstrates experiment experiments experimental result results extensive significantly significant outperform outperforms state-of-the-art existing previous prior recent recently code available github release released work works here first effective effectively achieve achieves improve improves improved performance benchmark benchmarks further also which while however moreover".split(
    " ",
  ),
);

// Function words of prose, which titles seldom use and abstracts do all the time: a phrase from
// an abstract may not open or close on one, nor be named by one ("Rather Than" was the name of
// an interest of three robotics papers whose abstracts each said "rather than").
const PROSE_FILLER = new Set([
  ...ENGLISH_STOP_WORDS,
  ..."rather instead often thus hence typically usually generally particular particularly specifically mainly largely given".split(
    " ",
  ),
]);

interface PhraseRules {
  /** Shortest phrase counted, in words. */
  minWords: number;
  /** Papers that must share a phrase. */
  needed: number;
  /** Whether a phrase's words (as written) may name an interest. */
  accept(words: string[]): boolean;
}

/**
 * Counts every phrase of up to MAX_WORDS words once per text that has it, and returns the best
 * ones shared by `rules.needed` texts: longer phrases win ties over their parts, and a second
 * phrase must add a subject (share no word with the first). Each is shown in its commonest spelling.
 */
function sharedPhrases(texts: string[][], rules: PhraseRules): string[] {
  const seen = new Map<string, { papers: number; spellings: Map<string, number> }>();
  for (const segments of texts) {
    const inThisText = new Set<string>();
    for (const segment of segments) {
      const words = withoutTex(segment).match(WORD) ?? [];
      for (let i = 0; i < words.length; i++) {
        for (let n = rules.minWords; n <= MAX_WORDS && i + n <= words.length; n++) {
          const phrase = words.slice(i, i + n);
          const first = phrase[0].toLowerCase();
          const last = phrase[n - 1].toLowerCase();
          if (FILLER.has(first) || FILLER.has(last)) continue;
          if (n === 1 && (first.length < 3 || /^\d+$/.test(first) || GENERIC_ALONE.has(wordKey(first))))
            continue;
          // A lone letter or number is a symbol, not a subject ("Integer D", "I 1 2").
          if (phrase.some((w) => w.length < 2 || /^\d+$/.test(w))) continue;
          if (!rules.accept(phrase)) continue;
          const key = phrase.map(wordKey).join(" ");
          const spelling = phrase.join(" ").replace(/-+$/, "");
          let entry = seen.get(key);
          if (!entry) {
            entry = { papers: 0, spellings: new Map() };
            seen.set(key, entry);
          }
          entry.spellings.set(spelling, (entry.spellings.get(spelling) ?? 0) + 1);
          if (!inThisText.has(key)) {
            inThisText.add(key);
            entry.papers++;
          }
        }
      }
    }
  }
  const ranked = [...seen.entries()]
    .filter(([, e]) => e.papers >= rules.needed)
    .map(([key, e]) => {
      const words = key.split(" ").length;
      return { key, e, score: e.papers * (1 + 0.6 * (words - 1)) };
    })
    .sort((a, b) => b.score - a.score || b.key.length - a.key.length || (a.key < b.key ? -1 : 1));
  const chosen: { key: string; spelling: string }[] = [];
  for (const r of ranked) {
    if (chosen.length === MAX_PHRASES) break;
    const words = new Set(r.key.split(" "));
    // A second phrase adds a subject; one that repeats a word of the first is a part or a variant.
    if (chosen.some((c) => c.key.split(" ").some((w) => words.has(w)))) continue;
    const spelling = [...r.e.spellings.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    chosen.push({ key: r.key, spelling });
  }
  return chosen.map((c) => c.spelling);
}

/**
 * Names an interest by the phrases its papers' titles share, so that a person reads
 * "Reinforcement Learning · Agents" rather than the full title of one paper. A phrase counts once
 * per paper; it must be shared by at least two papers and by a third of them; longer phrases win
 * ties over their parts. Returns null when the titles share nothing worth naming (a small or
 * mixed interest).
 */
export function interestLabelFromTitles(titles: string[]): string | null {
  if (titles.length < 2) return null;
  const phrases = sharedPhrases(
    titles.map((t) => [t]),
    { minWords: 1, needed: Math.max(2, Math.ceil(titles.length / 3)), accept: () => true },
  );
  return phrases.length > 0 ? phrases.join(" · ") : null;
}

/**
 * Names an interest: by the phrases its titles share (interestLabelFromTitles) or, when titles
 * word the same subject differently ("Glaucoma Detection from Fundus Photographs" and "Deep
 * Screening for Glaucoma"), by a phrase of two or three words that half of its papers' titles and
 * abstracts share. Abstracts share much that names no subject ("language models", "we propose"),
 * so such a phrase must avoid ABSTRACT_FILLER and hold a word that is not common in the pool the
 * person's papers are ranked against (`isCommonWord`, given a lower-case word). Returns null when
 * nothing qualifies; the caller then names the interest after its most central paper.
 */
export function interestLabel(
  members: LabelSource[],
  isCommonWord: (word: string) => boolean,
): string | null {
  const fromTitles = interestLabelFromTitles(members.map((m) => m.title));
  if (fromTitles || members.length < 2) return fromTitles;
  // A sentence's end, and any bracket: "reinforcement learning (RL)" gives the phrase
  // "Reinforcement Learning", not "Reinforcement Learning RL".
  const texts = members.map((m) => [m.title, ...(m.abstract ?? "").split(/[.;:!?]+\s|[()[\]]/)]);
  const phrases = sharedPhrases(texts, {
    minWords: 2,
    needed: Math.max(2, Math.ceil(members.length / 2)),
    accept: (words) => {
      const lower = words.map((w) => w.toLowerCase());
      if (PROSE_FILLER.has(lower[0]) || PROSE_FILLER.has(lower[lower.length - 1])) return false;
      return (
        !lower.some((w) => ABSTRACT_FILLER.has(w)) &&
        lower.some((w) => !FILLER.has(w) && !PROSE_FILLER.has(w) && !isCommonWord(w))
      );
    },
  });
  return phrases.length > 0 ? phrases.map(titleCase).join(" · ") : null;
}

/** "glaucoma screening" → "Glaucoma Screening"; inner filler ("of", "for") stays lower-case, acronyms as written. */
function titleCase(phrase: string): string {
  return phrase
    .split(" ")
    .map((w, i) => (i > 0 && FILLER.has(w.toLowerCase()) ? w.toLowerCase() : w[0].toUpperCase() + w.slice(1)))
    .join(" ");
}

const SHORT_TITLE = 48;

/** A title short enough for a chip: cut on a word at SHORT_TITLE characters, with "…". */
export function shortTitle(title: string): string {
  const t = title.trim().replace(/\s+/g, " ");
  if (t.length <= SHORT_TITLE) return t;
  const cut = t.slice(0, SHORT_TITLE + 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > SHORT_TITLE / 2 ? cut.slice(0, space) : t.slice(0, SHORT_TITLE)).replace(/[\s,:;.–—-]+$/, "")}…`;
}
