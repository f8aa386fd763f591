import { alikeToInterest, likenessFloor } from "../../src/recommend/alike.ts";
import {
  DEFAULT_TURN_SCORE_SHARE,
  DEFAULT_TURNS,
  diversify,
  type TurnWeighting,
} from "../../src/recommend/diversify.ts";
import { groupInterests } from "../../src/recommend/interests.ts";
import { DEFAULT_KEYWORD_OPTIONS, type KeywordOptions } from "../../src/recommend/keywords.ts";
import { modelOnPool, personModel } from "../../src/recommend/model.ts";
import { CandidatePool } from "../../src/recommend/pool.ts";
import { DEFAULT_RANK_OPTIONS, type RankOptions, trainPoolWeights } from "../../src/recommend/rank.ts";
import { COVER_TOP, rankPoolWith } from "../../src/recommend/rank-pool.ts";
import type { PositiveSignal } from "../../src/recommend/types.ts";
import { FOR_YOU_LIMIT } from "../../src/web/foryou/routes.ts";

/** Our side's pool: the file's papers with their stored embeddings, keywords over the file. */
export function buildCorpus(
  records: { id: string; title: string; abstract: string }[],
  vectors: Map<string, Float32Array>,
  keywordOptions: KeywordOptions = DEFAULT_KEYWORD_OPTIONS,
): CandidatePool {
  const dims = vectors.values().next().value?.length ?? 0;
  return new CandidatePool(
    dims,
    records.map((r) => ({
      arxivId: r.id,
      title: r.title,
      abstract: r.abstract,
      authorNames: [],
      vector: vectors.get(r.id) ?? null,
    })),
    keywordOptions,
  );
}

const MODEL_ID = 1;

/** The seeds as a person's saves, with their features in the pool. */
export function seedPositives(pool: CandidatePool, seeds: string[]): PositiveSignal[] {
  return seeds.map((id) => ({
    id,
    title: id,
    kind: "saved",
    weight: 1,
    features: pool.features(pool.indexOf(id) as number),
  }));
}

/**
 * Ranks every paper but the seeds as the site does: interests from the seeds, the model trained
 * over the pool and stored as a person's model is (its keywords pruned to the kept terms), then
 * applied to the pool in one pass, interests taking turns at the top (the site's COVER_TOP places;
 * this bench took turns over 50 before), the page's FOR_YOU_LIMIT shown with the weaker matches last.
 */
export function oursRanking(
  pool: CandidatePool,
  seeds: string[],
  opts: RankOptions = DEFAULT_RANK_OPTIONS,
  rounds = Number.POSITIVE_INFINITY,
  turns: TurnWeighting = DEFAULT_TURNS,
  turnScoreShare = DEFAULT_TURN_SCORE_SHARE,
): string[] {
  const seedSet = new Set(seeds);
  const interests = groupInterests(seedPositives(pool, seeds), pool, opts.interests);
  const weights = trainPoolWeights(pool, interests, [], opts);
  if (!weights) throw new Error("no seeds");
  const model = personModel(pool, MODEL_ID, weights, interests, { authors: [], topics: [] });
  const applied = modelOnPool(model, pool, MODEL_ID);
  const scored = rankPoolWith(pool, applied.weights, applied.interests, new Map(), 0, pool.size).filter(
    (s) => !seedSet.has(pool.ids[s.index]),
  );
  const interestWeights = applied.interests.map((i) => i.weight);
  // As the page: the interests take turns among the close matches (above the model's line), then
  // the weaker ones take turns of their own below them.
  const options = { rounds, turns, interestWeights, turnScoreShare };
  const close = scored.filter((s) => s.score > 0);
  const weak = scored.filter((s) => !(s.score > 0));
  const order = [
    ...diversify(close, close.length, COVER_TOP, options),
    ...diversify(weak, weak.length, COVER_TOP, options),
  ];
  // As the page: of the papers it shows, a close match like none of the seeds (of any interest)
  // joins the weaker matches (alike.ts).
  const floor = likenessFloor(pool);
  const like = (s: (typeof order)[number]) =>
    s.score > 0 && applied.interests.some((it) => alikeToInterest(pool.features(s.index), it) >= floor);
  const shown = order.slice(0, FOR_YOU_LIMIT);
  return [...shown.filter(like), ...shown.filter((s) => !like(s)), ...order.slice(FOR_YOU_LIMIT)].map(
    (s) => pool.ids[s.index],
  );
}
