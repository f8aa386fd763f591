import type { ScoredPaper as Scored } from "./rank-pool.ts";

/**
 * How the places at the top are shared out: "equal" gives every interest the same number of
 * turns; "share" gives an interest turns in proportion to its weight (its share of the person's
 * positives), so an interest of five saves is not held to the places of one with a single save;
 * "sqrt" sits between the two.
 */
export type TurnWeighting = "equal" | "share" | "sqrt";

/** The site's sharing of the top places. */
export const DEFAULT_TURNS: TurnWeighting = "sqrt";

export interface DiversifyOptions {
  /** Turns stop after this many rounds' worth of places (rounds × interests); score order below. */
  rounds?: number;
  turns?: TurnWeighting;
  /** Each interest's weight, by interest index; needed unless turns are equal. */
  interestWeights?: readonly number[];
}

function turnWeight(turns: TurnWeighting, weight: number | undefined): number {
  if (turns === "equal") return 1;
  if (weight === undefined || !(weight > 0)) return 0;
  return turns === "share" ? weight : Math.sqrt(weight);
}

/**
 * Orders scored candidates so that the top of the list covers every interest: for the first
 * `coverTop` places, interests take turns, each turn going to the interest whose next paper scores
 * highest; below that, plain score order. A small interest therefore gets its best papers near the
 * top instead of under forty papers of the largest one, while a weak interest cannot push mediocre
 * papers far down the list. With weighted turns every interest still takes one place first (so
 * coverage stays), then each place goes to the interest furthest below its weighted share
 * (the largest weight / (places + 1), as in D'Hondt apportionment).
 */
export function diversify(
  scored: Scored[],
  limit: number,
  coverTop: number,
  options: DiversifyOptions = {},
): Scored[] {
  const { rounds = Number.POSITIVE_INFINITY, turns = "equal", interestWeights = [] } = options;
  if (turns !== "equal" && interestWeights.length === 0)
    throw new Error(`diversify: turns "${turns}" need the interests' weights`);
  const byScore = scored.slice().sort((a, b) => b.score - a.score || a.index - b.index);
  const queues = new Map<number, Scored[]>();
  for (const s of byScore) {
    const q = queues.get(s.interest);
    if (q) q.push(s);
    else queues.set(s.interest, [s]);
  }
  const out: Scored[] = [];
  const taken = new Set<number>();
  const take = (q: Scored[]) => {
    const s = q.shift() as Scored;
    out.push(s);
    taken.add(s.index);
  };
  const head = Math.min(limit, coverTop, rounds * queues.size);
  const byNextScore = (a: Scored[], b: Scored[]) => b[0].score - a[0].score || a[0].index - b[0].index;
  // The first round: one place each, best next paper first.
  for (const q of [...queues.values()].sort(byNextScore)) {
    if (out.length >= head) break;
    take(q);
  }
  const places = new Map<number, number>([...queues.keys()].map((k) => [k, 1]));
  const weightOf = new Map<number, number>(
    [...queues.keys()].map((k) => [k, turnWeight(turns, k >= 0 ? interestWeights[k] : undefined)]),
  );
  // Equal turns are the same rule with equal weights: the interest with the fewest places goes
  // next, the best next paper first among ties, so each round gives every interest one place.
  while (out.length < head) {
    let best: Scored[] | null = null;
    let bestKey = 0;
    let bestQuota = 0;
    for (const [k, q] of queues) {
      if (q.length === 0) continue;
      const quota = (weightOf.get(k) as number) / ((places.get(k) as number) + 1);
      if (best === null || quota > bestQuota || (quota === bestQuota && byNextScore(q, best) < 0)) {
        best = q;
        bestKey = k;
        bestQuota = quota;
      }
    }
    if (best === null) break;
    take(best);
    places.set(bestKey, (places.get(bestKey) as number) + 1);
  }
  for (const s of byScore) {
    if (out.length >= limit) break;
    if (!taken.has(s.index)) out.push(s);
  }
  return out;
}
