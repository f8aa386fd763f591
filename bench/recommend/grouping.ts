import { groupInterests, type InterestOptions } from "../../src/recommend/interests.ts";
import type { CandidatePool } from "../../src/recommend/pool.ts";
import { mean } from "./metrics.ts";

/**
 * How the person's seeds are grouped into interests, pair by pair: of two seeds from different
 * files (unrelated subjects), how often they end up in separate interests; of two from one file,
 * how often together. Means over the draws.
 */
export function groupingAgreement(
  pool: CandidatePool,
  draws: string[][][],
  opts: InterestOptions,
): { apart: number; together: number; interests: number } {
  const apart: number[] = [];
  const together: number[] = [];
  const counts: number[] = [];
  for (const seedsBy of draws) {
    const positives = seedsBy.flat().map((id) => ({
      id,
      title: id,
      kind: "saved" as const,
      weight: 1,
      features: pool.features(pool.indexOf(id) as number),
    }));
    const interests = groupInterests(positives, pool, opts);
    counts.push(interests.length);
    const interestOf = new Map(interests.flatMap((it, k) => it.members.map((m) => [m.id, k] as const)));
    const fileOf = new Map(seedsBy.flatMap((ids, f) => ids.map((id) => [id, f] as const)));
    const ids = seedsBy.flat();
    let a = 0;
    let aN = 0;
    let t = 0;
    let tN = 0;
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) {
        const same = interestOf.get(ids[i]) === interestOf.get(ids[j]);
        if (fileOf.get(ids[i]) === fileOf.get(ids[j])) {
          tN++;
          if (same) t++;
        } else {
          aN++;
          if (!same) a++;
        }
      }
    apart.push(a / aN);
    together.push(t / tN);
  }
  return { apart: mean(apart), together: mean(together), interests: mean(counts) };
}
