/**
 * Whether saturated term frequency makes Kitchenham's genre words ("systematic review", "journal",
 * "publish") count for more: their share of its includes' squared norm, per tf
 * (`node --import tsx bench/recommend/experiments/genre-share.ts`). It falls (0.015 to 0.011).
 */
import { DEFAULT_KEYWORD_OPTIONS, keywordVectors } from "../../../src/recommend/keywords.ts";
import { readReview } from "../data.ts";

const GENRE = new Set([
  "systematic review",
  "systematic",
  "review",
  "journal",
  "publish",
  "literatur review",
  "literatur",
]);
const r = readReview("Kitchenham_2010");
for (const tf of ["sublinear", "binary", "bm25"] as const) {
  const { space, vectors } = keywordVectors(r.records, { ...DEFAULT_KEYWORD_OPTIONS, tf });
  const vocab: string[] = [];
  for (const [t, i] of space.terms) vocab[i] = t;
  let share = 0;
  let n = 0;
  r.records.forEach((x, i) => {
    if (!x.included) return;
    const v = vectors[i];
    for (let k = 0; k < v.idx.length; k++) if (GENRE.has(vocab[v.idx[k]])) share += v.val[k] ** 2;
    n++;
  });
  console.log(`${tf}: genre words' share of the includes' squared norm ${(share / n).toFixed(3)}`);
}
