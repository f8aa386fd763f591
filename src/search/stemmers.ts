import { stemmer as porter } from "stemmer";

/**
 * Stemmers the analyser can use, measured side by side in bench/stemming.ts.
 *
 * Full Porter stemming strips derivational suffixes too, so it makes one term of words that
 * mean different things: medical, medicine, medication and medic all become "medic";
 * university and universe "univers"; organ and organization "organ". Search then ranks a paper
 * about medication for "medical benchmark". The analyser uses `inflectional` instead: Porter's
 * step 1 (plurals, -ed, -ing, final y) and step 5 (final e, double l), the steps that only undo
 * inflection, so "models"/"model", "trained"/"training"/"train" and "studies"/"study" still
 * meet while derived words stay apart.
 */
export type Stemmer = (word: string) => string;

const isConsonant = (w: string, i: number): boolean => {
  const c = w[i];
  if (c === "a" || c === "e" || c === "i" || c === "o" || c === "u") return false;
  if (c === "y") return i === 0 || !isConsonant(w, i - 1);
  return true;
};

/** Porter's m: the number of vowel-consonant sequences in a stem. */
function measure(w: string): number {
  let m = 0;
  let i = 0;
  const n = w.length;
  while (i < n && isConsonant(w, i)) i++;
  while (i < n) {
    while (i < n && !isConsonant(w, i)) i++;
    if (i >= n) break;
    while (i < n && isConsonant(w, i)) i++;
    m++;
  }
  return m;
}

const hasVowel = (w: string): boolean => {
  for (let i = 0; i < w.length; i++) if (!isConsonant(w, i)) return true;
  return false;
};

const endsDouble = (w: string): boolean =>
  w.length > 1 && w[w.length - 1] === w[w.length - 2] && isConsonant(w, w.length - 1);

/** Consonant-vowel-consonant at the end, the last not w, x or y (Porter's *o). */
const endsCvc = (w: string): boolean => {
  const n = w.length;
  if (n < 3) return false;
  const last = w[n - 1];
  return (
    isConsonant(w, n - 3) &&
    !isConsonant(w, n - 2) &&
    isConsonant(w, n - 1) &&
    last !== "w" &&
    last !== "x" &&
    last !== "y"
  );
};

function step1a(w: string): string {
  if (w.endsWith("sses")) return w.slice(0, -2);
  if (w.endsWith("ies")) return w.slice(0, -2);
  if (w.endsWith("ss")) return w;
  if (w.endsWith("s")) return w.slice(0, -1);
  return w;
}

function step1b(w: string): string {
  if (w.endsWith("eed")) return measure(w.slice(0, -3)) > 0 ? w.slice(0, -1) : w;
  let stem: string | null = null;
  if (w.endsWith("ed") && hasVowel(w.slice(0, -2))) stem = w.slice(0, -2);
  else if (w.endsWith("ing") && hasVowel(w.slice(0, -3))) stem = w.slice(0, -3);
  if (stem === null) return w;
  if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) return `${stem}e`;
  if (endsDouble(stem) && !/[lsz]$/.test(stem)) return stem.slice(0, -1);
  if (measure(stem) === 1 && endsCvc(stem)) return `${stem}e`;
  return stem;
}

function step1c(w: string): string {
  return w.endsWith("y") && hasVowel(w.slice(0, -1)) ? `${w.slice(0, -1)}i` : w;
}

function step5(w: string): string {
  let out = w;
  if (out.endsWith("e")) {
    const stem = out.slice(0, -1);
    const m = measure(stem);
    if (m > 1 || (m === 1 && !endsCvc(stem))) out = stem;
  }
  if (measure(out) > 1 && out.endsWith("ll")) out = out.slice(0, -1);
  return out;
}

/** Porter's inflectional steps only (1a, 1b, 1c, 5). */
const inflectional: Stemmer = (word) => step5(step1c(step1b(step1a(word))));

// Porter's step 2 maps a suffix to a shorter one of the same meaning (relational -> relate,
// organization -> organize, medically -> medical); it never drops the word class.
const STEP2: [string, string][] = [
  ["ational", "ate"],
  ["tional", "tion"],
  ["enci", "ence"],
  ["anci", "ance"],
  ["izer", "ize"],
  ["abli", "able"],
  ["alli", "al"],
  ["entli", "ent"],
  ["eli", "e"],
  ["ousli", "ous"],
  ["ization", "ize"],
  ["ation", "ate"],
  ["ator", "ate"],
  ["alism", "al"],
  ["iveness", "ive"],
  ["fulness", "ful"],
  ["ousness", "ous"],
  ["aliti", "al"],
  ["iviti", "ive"],
  ["biliti", "ble"],
];
// Of step 3, only what keeps meaning; "ical -> ic" (medical -> medic) and "icate -> ic"
// (medicate -> medic) are left out.
const STEP3: [string, string][] = [
  ["ative", ""],
  ["alize", "al"],
  ["iciti", "ic"],
];

function replaceSuffix(w: string, rules: [string, string][]): string {
  for (const [from, to] of rules)
    if (w.endsWith(from)) {
      const stem = w.slice(0, -from.length);
      return measure(stem) > 0 ? stem + to : w;
    }
  return w;
}

/** The action noun meets its verb: infection -> infect, expression -> express (Porter's -ion rule). */
function actionNoun(w: string): string {
  if (!w.endsWith("ion")) return w;
  const stem = w.slice(0, -3);
  return measure(stem) > 1 && /[st]$/.test(stem) ? stem : w;
}

/**
 * The analyser's stemmer: inflections plus the derivations that keep a word's meaning
 * (Porter's step 2, part of step 3, and -ion after s or t), without the rest of Porter's steps
 * 3 and 4, which strip -al, -ic, -ance, -ent, -ism, -ity, -ive, -ize and so make one term of
 * medical and medic, university and universe, organ and organization.
 */
export const light: Stemmer = (word) =>
  step5(actionNoun(replaceSuffix(replaceSuffix(step1c(step1b(step1a(word))), STEP2), STEP3)));

/**
 * Harman's S-stemmer (1991): plurals only. `ies` -> `y`, `es` -> `e`, `s` -> nothing, with
 * the exceptions that keep "bias", "class" and "analysis" whole.
 */
const sStemmer: Stemmer = (w) => {
  if (w.endsWith("ies") && !w.endsWith("eies") && !w.endsWith("aies")) return `${w.slice(0, -3)}y`;
  if (w.endsWith("es") && !w.endsWith("aes") && !w.endsWith("ees") && !w.endsWith("oes"))
    return w.slice(0, -1);
  if (w.endsWith("s") && !w.endsWith("us") && !w.endsWith("ss") && !w.endsWith("is")) return w.slice(0, -1);
  return w;
};

export { porter };

export const STEMMERS: Record<string, Stemmer> = {
  porter,
  light,
  inflectional,
  "s-stemmer": sStemmer,
  none: (w) => w,
};
