import { normalizeText } from "../search/text.ts";

/**
 * One key per author however the name was written: TeX accents (`Sch\"olkopf`), Unicode
 * accents (Schölkopf) and case fold to the same letters, and punctuation and spacing collapse
 * ("J.-P. Serre" and "J P Serre" meet). Empty for a name with no letters or digits.
 */
export function authorKey(name: string): string {
  return normalizeText(name)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The author page of a name, as written. */
export function authorPath(name: string): string {
  return `/authors/${encodeURIComponent(name)}`;
}

export const AUTHOR_NAME_MAX = 200;
