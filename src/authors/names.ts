import { normalizeText } from "../search/text.ts";

// TeX accent commands and the combining mark each puts on its letter: \"a, \"{a}, {\"a}, \'{\i}.
const ACCENT_MARKS: Record<string, string> = {
  '"': "\u0308",
  "'": "\u0301",
  "`": "\u0300",
  "^": "\u0302",
  "~": "\u0303",
  "=": "\u0304",
  ".": "\u0307",
  u: "\u0306",
  v: "\u030c",
  H: "\u030b",
  c: "\u0327",
  k: "\u0328",
  r: "\u030a",
  d: "\u0323",
  b: "\u0331",
};
const TEX_ACCENT =
  /\\(["'`^~=.]|[uvHckrdb](?![a-zA-Z]))\s*(?:\{\s*(\\[ij](?![a-zA-Z])|[a-zA-Z])\s*\}|(\\[ij](?![a-zA-Z])|[a-zA-Z]))/g;
// TeX's letter macros (\O, {\o}, \ss{}); the spaces and empty group after one are TeX's own.
const TEX_LETTERS: Record<string, string> = {
  O: "Ø",
  o: "ø",
  ss: "ß",
  ae: "æ",
  AE: "Æ",
  oe: "œ",
  OE: "Œ",
  l: "ł",
  L: "Ł",
  i: "ı",
  j: "ȷ",
  aa: "å",
  AA: "Å",
};
const TEX_LETTER = /\\(ss|ae|AE|oe|OE|aa|AA|O|o|l|L|i|j)(?![a-zA-Z])(?:\s*\{\})?\s*/g;
// Letters NFKD leaves whole, folded to the Latin letters they are written with.
const FOLDS: Record<string, string> = {
  ø: "o",
  æ: "ae",
  œ: "oe",
  ß: "ss",
  ł: "l",
  ı: "i",
  ȷ: "j",
  đ: "d",
  ð: "d",
  þ: "th",
  ħ: "h",
};
const FOLDABLE = /[øæœßłıȷđðþħ]/g;

/**
 * A name as people read it: TeX accents and letter macros decoded (`Franz G{\"a}hler` ->
 * Franz Gähler, `Mikkel {\O}bro` -> Mikkel Øbro) and grouping braces dropped. Other text is
 * kept as written.
 */
export function decodeTexName(name: string): string {
  if (!name.includes("\\") && !name.includes("{")) return name;
  return (
    name
      .replace(TEX_ACCENT, (_m, accent: string, braced?: string, bare?: string) => {
        const letter = (braced ?? bare ?? "").replace(/^\\/, "");
        return `${letter}${ACCENT_MARKS[accent]}`;
      })
      .replace(TEX_LETTER, (_m, macro: string) => TEX_LETTERS[macro])
      // A command's argument braces (\emph{x}) become a space, so the search normaliser still sees it.
      .replace(/(\\[a-zA-Z]+)\s*\{/g, "$1 ")
      .replace(/[{}]/g, "")
      .normalize("NFC")
      .replace(/\s+/g, " ")
      .trim()
  );
}

/**
 * One key per author however the name was written: TeX accents (`Sch\"olkopf`, `G{\"a}hler`),
 * TeX letters (`{\O}bro`), Unicode accents (Schölkopf) and letters without a decomposition
 * (Øbro, Łukasz, Straße) and case fold to the same Latin letters, and punctuation and spacing
 * collapse ("J.-P. Serre" and "J P Serre" meet). Empty for a name with no letters or digits.
 * Changing what it returns needs AUTHOR_KEY_VERSION raised, so stored keys are rebuilt.
 */
export function authorKey(name: string): string {
  return normalizeText(decodeTexName(name))
    .replace(FOLDABLE, (c) => FOLDS[c])
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Raised whenever authorKey changes: stored paper and follow keys are rebuilt (authors/store.ts). */
export const AUTHOR_KEY_VERSION = 1;

/** The author page of a name, as written. */
export function authorPath(name: string): string {
  return `/authors/${encodeURIComponent(name)}`;
}

export const AUTHOR_NAME_MAX = 200;
