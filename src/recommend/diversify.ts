import type { ScoredPaper as Scored } from "./rank-pool.ts";

/**
 * Orders scored candidates so that the top of the list covers every interest: for the first
 * `coverTop` places, interests take turns (round-robin), each turn going to the interest whose
 * next paper scores highest; below that, plain score order. A small interest therefore gets its
 * best papers near the top instead of under forty papers of the largest one, while a weak
 * interest cannot push mediocre papers far down the list.
 */
export function diversify(
  scored: Scored[],
  limit: number,
  coverTop: number,
  rounds = Number.POSITIVE_INFINITY,
): Scored[] {
  const byScore = scored.slice().sort((a, b) => b.score - a.score || a.index - b.index);
  const queues = new Map<number, Scored[]>();
  for (const s of byScore) {
    const q = queues.get(s.interest);
    if (q) q.push(s);
    else queues.set(s.interest, [s]);
  }
  const out: Scored[] = [];
  const taken = new Set<number>();
  const head = Math.min(limit, coverTop);
  for (let round = 0; out.length < head && round < rounds; round++) {
    const round = [...queues.values()]
      .filter((q) => q.length > 0)
      .sort((a, b) => b[0].score - a[0].score || a[0].index - b[0].index);
    if (round.length === 0) break;
    for (const q of round) {
      if (out.length >= head) break;
      const s = q.shift() as Scored;
      out.push(s);
      taken.add(s.index);
    }
  }
  for (const s of byScore) {
    if (out.length >= limit) break;
    if (!taken.has(s.index)) out.push(s);
  }
  return out;
}
