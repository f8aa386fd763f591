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
  /**
   * An interest takes its turn only with a paper scored at least this share of the best paper
   * still to place (when that one scores above 0); else it waits until the others' papers fall
   * to its level. 0 gives every interest its turns whatever its papers score.
   */
  turnScoreShare?: number;
  /**
   * A paper by a followed author or in a followed topic: its score carries the follow's bonus, so
   * it is left out of the best score the floor is a share of (else one such paper would raise the
   * floor over every paper the person's saves found), and it may always take its interest's turn.
   */
  isBoosted?: (s: Scored) => boolean;
}

/**
 * The site's turnScoreShare. An interest with no good paper this week (a followed author who
 * published nothing, whose "like" papers are only the least unlike) otherwise took the second
 * place with whatever it had: on the site's sample, a paper on testing LLM APIs scored 0.005 as
 * "Like the papers of" an author of one paper on video world models, second after a paper scored
 * 0.106, above twenty scored 0.015 to 0.1 for the person's saves. A quarter still lets an interest
 * the joint model scores a few times lower than the largest one share the top.
 */
export const DEFAULT_TURN_SCORE_SHARE = 0.25;

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
 * (the largest weight / (places + 1), as in D'Hondt apportionment). An interest whose next paper
 * scores below `turnScoreShare` of the best one left sits its turns out until it no longer does.
 */
export function diversify(
  scored: Scored[],
  limit: number,
  coverTop: number,
  options: DiversifyOptions = {},
): Scored[] {
  const {
    rounds = Number.POSITIVE_INFINITY,
    turns = "equal",
    interestWeights = [],
    turnScoreShare = 0,
    isBoosted = () => false,
  } = options;
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
  const head = Math.min(limit, coverTop, rounds * queues.size);
  const byNextScore = (a: Scored[], b: Scored[]) => b[0].score - a[0].score || a[0].index - b[0].index;
  const places = new Map<number, number>([...queues.keys()].map((k) => [k, 0]));
  const weightOf = new Map<number, number>(
    [...queues.keys()].map((k) => [k, turnWeight(turns, k >= 0 ? interestWeights[k] : undefined)]),
  );
  // Each place: an interest without one yet goes first (the best next paper first among them);
  // then the interest with the largest weight / (places + 1). Equal turns are the same rule with
  // equal weights: the fewest places go next, so each round gives every interest one place.
  while (out.length < head) {
    // The best score left by the model alone: a queue is in score order, so its first paper
    // without a follow's bonus is its best such one.
    let bestNext = Number.NEGATIVE_INFINITY;
    for (const q of queues.values())
      for (const s of q)
        if (!isBoosted(s)) {
          if (s.score > bestNext) bestNext = s.score;
          break;
        }
    const floor = bestNext > 0 ? turnScoreShare * bestNext : Number.NEGATIVE_INFINITY;
    let best: Scored[] | null = null;
    let bestKey = 0;
    let bestRank = 0;
    for (const [k, q] of queues) {
      if (q.length === 0 || (q[0].score < floor && !isBoosted(q[0]))) continue;
      const n = places.get(k) as number;
      // Unplaced interests rank above every quota (weights are at most finite).
      const rank = n === 0 ? Number.POSITIVE_INFINITY : (weightOf.get(k) as number) / (n + 1);
      if (best === null || rank > bestRank || (rank === bestRank && byNextScore(q, best) < 0)) {
        best = q;
        bestKey = k;
        bestRank = rank;
      }
    }
    if (best === null) break;
    const s = best.shift() as Scored;
    out.push(s);
    taken.add(s.index);
    places.set(bestKey, (places.get(bestKey) as number) + 1);
  }
  for (const s of byScore) {
    if (out.length >= limit) break;
    if (!taken.has(s.index)) out.push(s);
  }
  return out;
}
