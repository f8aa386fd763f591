import { analyze } from "../text.ts";

/**
 * Term frequencies of one text through the shared search analyser (case, accents, TeX,
 * hyphenation, Porter stems), so the model and the keyword index see the same terms. Very
 * common words need no stop list here: the model's vocabulary drops them by document frequency.
 */
export function termCounts(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of analyze(text)) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}
