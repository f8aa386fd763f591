import { analyze } from "../text.ts";
import { type AcronymPair, acronymPairs } from "./extract.ts";

/**
 * Acronyms learned from a corpus: every definition counted once per paper, long forms that
 * differ only in inflection or hyphenation ("large language model(s)", "vision-language" and
 * "vision language") counted together, and the most common spelling kept for display.
 *
 * A pair is used only when it is reliable: defined by at least MIN_PAPERS papers, and the long
 * form of at least MIN_SHARE of the papers that define that short form ("SR" is
 * super-resolution as often as speech recognition: neither is used). A short form that the
 * corpus mostly writes in lower case as an ordinary word ("map", "cat") is flagged, so a query
 * expands it only when typed in capitals.
 */
const MIN_PAPERS = 3;
const MIN_SHARE = 0.6;
const CAPITALS = /[A-Z].*[A-Z]/;

export interface LearnedAcronym {
  short: string;
  long: string;
  /** The long form through the search analyser, to recognise it in a query. */
  longKey: string;
  papers: number;
  share: number;
  commonWord: boolean;
}

interface LongTally {
  papers: number;
  spellings: Map<string, number>;
}

/** Long forms that differ only in hyphens or inflection share a key: "vision(-)language model(s)". */
function longKeyOf(long: string): string {
  return analyze(long.replace(/-/g, " ")).join(" ");
}

export class AcronymLearner {
  private readonly tallies = new Map<string, Map<string, LongTally>>();
  private readonly definedBy = new Map<string, number>();
  private readonly lowerUse = new Map<string, number>();
  private readonly upperUse = new Map<string, number>();
  papers = 0;

  add(text: string): void {
    this.papers++;
    const seen = new Set<string>();
    const shorts = new Set<string>();
    for (const p of acronymPairs(text)) {
      const key = longKeyOf(p.long);
      if (!key || seen.has(`${p.short}\t${key}`)) continue;
      seen.add(`${p.short}\t${key}`);
      shorts.add(p.short);
      this.tally(p, key);
    }
    for (const s of shorts) this.definedBy.set(s, (this.definedBy.get(s) ?? 0) + 1);
    // How the corpus writes each short form as a word: "map" in lower case is the ordinary word,
    // "MAP" the acronym.
    for (const w of new Set(text.match(/\b[A-Za-z][A-Za-z0-9]{1,10}\b/g) ?? [])) {
      const lowerCase = w.toLowerCase();
      if (w === lowerCase) {
        if (this.tallies.has(w)) this.lowerUse.set(w, (this.lowerUse.get(w) ?? 0) + 1);
      } else if (CAPITALS.test(w)) {
        const short = /[A-Z]s$/.test(w) ? lowerCase.slice(0, -1) : lowerCase;
        if (this.tallies.has(short)) this.upperUse.set(short, (this.upperUse.get(short) ?? 0) + 1);
      }
    }
  }

  private tally(p: AcronymPair, key: string): void {
    let longs = this.tallies.get(p.short);
    if (!longs) {
      longs = new Map();
      this.tallies.set(p.short, longs);
    }
    let t = longs.get(key);
    if (!t) {
      t = { papers: 0, spellings: new Map() };
      longs.set(key, t);
    }
    t.papers++;
    t.spellings.set(p.long, (t.spellings.get(p.long) ?? 0) + 1);
  }

  /** Every pair seen in at least `minPapers` papers, with its counts. */
  pairs(minPapers = 2): LearnedAcronym[] {
    const out: LearnedAcronym[] = [];
    for (const [short, longs] of this.tallies) {
      const defined = this.definedBy.get(short) ?? 0;
      for (const [longKey, t] of longs) {
        if (t.papers < minPapers) continue;
        const long = [...t.spellings].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
        out.push({
          short,
          long,
          longKey,
          papers: t.papers,
          share: defined > 0 ? t.papers / defined : 0,
          commonWord: (this.lowerUse.get(short) ?? 0) > (this.upperUse.get(short) ?? 0),
        });
      }
    }
    return out.sort((a, b) => (a.short < b.short ? -1 : a.short > b.short ? 1 : b.papers - a.papers));
  }
}

export function isReliable(a: Pick<LearnedAcronym, "papers" | "share">): boolean {
  return a.papers >= MIN_PAPERS && a.share >= MIN_SHARE;
}
