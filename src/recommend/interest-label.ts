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

/** "Agents" and "agent" are one phrase when counting; the commonest spelling is shown. */
function wordKey(word: string): string {
  const w = word.toLowerCase().replace(/-+$/, "");
  return w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w;
}

/**
 * Names an interest by the phrases its papers' titles share, so that a person reads
 * "Reinforcement Learning · Agents" rather than the full title of one paper. A phrase counts once
 * per paper; it must be shared by at least two papers and by a third of them; longer phrases win
 * ties over their parts. Returns null when the titles share nothing worth naming (a small or
 * mixed interest), and the caller falls back to its most central paper's title.
 */
export function interestLabelFromTitles(titles: string[]): string | null {
  if (titles.length < 2) return null;
  const seen = new Map<string, { papers: number; spellings: Map<string, number> }>();
  for (const title of titles) {
    const words = title.match(WORD) ?? [];
    const inThisTitle = new Set<string>();
    for (let i = 0; i < words.length; i++) {
      for (let n = 1; n <= MAX_WORDS && i + n <= words.length; n++) {
        const phrase = words.slice(i, i + n);
        const first = phrase[0].toLowerCase();
        const last = phrase[n - 1].toLowerCase();
        if (FILLER.has(first) || FILLER.has(last)) continue;
        if (n === 1 && (first.length < 3 || /^\d+$/.test(first) || GENERIC_ALONE.has(wordKey(first))))
          continue;
        const key = phrase.map(wordKey).join(" ");
        const spelling = phrase.join(" ").replace(/-+$/, "");
        let entry = seen.get(key);
        if (!entry) {
          entry = { papers: 0, spellings: new Map() };
          seen.set(key, entry);
        }
        entry.spellings.set(spelling, (entry.spellings.get(spelling) ?? 0) + 1);
        if (!inThisTitle.has(key)) {
          inThisTitle.add(key);
          entry.papers++;
        }
      }
    }
  }
  const needed = Math.max(2, Math.ceil(titles.length / 3));
  const ranked = [...seen.entries()]
    .filter(([, e]) => e.papers >= needed)
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
  return chosen.length > 0 ? chosen.map((c) => c.spelling).join(" · ") : null;
}
