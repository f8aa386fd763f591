/**
 * Acronym definitions in running text, found as Schwartz and Hearst (2003) do: a short form in
 * parentheses right after its long form, "large language models (LLMs)", where every letter of
 * the short form appears in the long form in order, the first one starting a word, and the long
 * form is at most min(|short| + 5, 2·|short|) words.
 */
export interface AcronymPair {
  /** Lower case, singular: "llm" for "LLMs". */
  short: string;
  /** As written, lower case, spaces collapsed: "large language models". */
  long: string;
}

const PAREN = /\(([^()\s]{2,12})\)/g;
// At least two capitals, so "(e.g.)", "(2024)" and "(see)" are not taken for acronyms.
const SHORT = /^[A-Za-z][A-Za-z0-9-]*$/;
const CAPITALS = /[A-Z].*[A-Z]/;
const ALNUM = /[a-z0-9]/;

function singular(short: string): string {
  // LLMs, GANs, VLMs: a plural s after a capital.
  return /[A-Z]s$/.test(short) ? short.slice(0, -1) : short;
}

/** The Schwartz-Hearst backward match: the long form's start, or -1 when the letters do not fit. */
function longFormStart(short: string, candidate: string): number {
  const s = short.toLowerCase();
  const l = candidate.toLowerCase();
  let si = s.length - 1;
  let li = l.length - 1;
  while (si >= 0) {
    const c = s[si];
    if (!ALNUM.test(c)) {
      si--;
      continue;
    }
    while (li >= 0 && (l[li] !== c || (si === 0 && li > 0 && ALNUM.test(l[li - 1])))) li--;
    if (li < 0) return -1;
    li--;
    si--;
  }
  return l.lastIndexOf(" ", li) + 1;
}

/**
 * Where the long form starts when the short form is exactly the initials of the last words
 * (hyphenated parts count as words): "proximal policy optimization (PPO)". The backward match
 * alone would settle for "policy optimization", finding the second p inside "optimization".
 */
function initialsStart(short: string, words: string[]): number | null {
  const letters = short.toLowerCase().replace(/[^a-z0-9]/g, "");
  let initials = "";
  for (let k = words.length - 1; k >= 0 && initials.length < letters.length; k--) {
    const parts = words[k].toLowerCase().split("-").filter(Boolean);
    initials = parts.map((p) => p[0]).join("") + initials;
    if (initials === letters) return words.slice(0, k).join(" ").length + (k > 0 ? 1 : 0);
  }
  return null;
}

export function acronymPairs(text: string): AcronymPair[] {
  const out: AcronymPair[] = [];
  for (const m of text.matchAll(PAREN)) {
    const raw = m[1].replace(/[.,;:]+$/, "");
    if (!SHORT.test(raw) || !CAPITALS.test(raw)) continue;
    const short = singular(raw);
    if (short.length < 2 || short.length > 10) continue;
    const before = text.slice(Math.max(0, (m.index ?? 0) - 200), m.index).replace(/\s+/g, " ");
    // The long form ends where the text before the parenthesis does, within one sentence part.
    const clause = before.split(/[.;:()[\]]\s|[()[\]]/).pop() ?? "";
    const words = clause.trim().split(" ").filter(Boolean);
    const maxWords = Math.min(short.length + 5, short.length * 2);
    const tail = words.slice(-maxWords);
    const candidate = tail.join(" ");
    const start = initialsStart(short, tail) ?? longFormStart(short, candidate);
    if (start < 0) continue;
    const long = candidate
      .slice(start)
      .toLowerCase()
      .replace(/[^a-z0-9\s'-]+$/g, "")
      .trim();
    const longWords = long.split(/[\s-]+/);
    // One word holds a whole acronym ("bioinformatics (BI)") only by accident; "chain-of-thought"
    // counts as three.
    if (longWords.length < 2 || long.length <= short.length) continue;
    out.push({ short: short.toLowerCase(), long });
  }
  return out;
}
