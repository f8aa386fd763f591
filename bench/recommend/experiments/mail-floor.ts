/**
 * Whether a digest can tell a paper that is like the saved paper it names from one that merely
 * tops a window with nothing like them (`node --import tsx bench/recommend/experiments/mail-floor.ts`,
 * needs the vectors `bench:recommend -- --reuse-vectors` keeps in /tmp). A person saves 5 included
 * papers of one review; their model is trained over the merged pool of all three (the week); then
 * a "day" is one review's records: their own (on topic) or another's (off topic). The digest's
 * filters (above the model's line, at least a quarter of the best) pick up to 20 papers; for each,
 * how alike it is to the nearest member of its interest (alikeToInterest), in standard deviations
 * above a paper of the day and another one kept as a member (typicalAlikeToStored).
 */
import { alikeToInterest, typicalAlikeToStored } from "../../../src/recommend/alike.ts";
import { groupInterests } from "../../../src/recommend/interests.ts";
import { modelOnPool, personModel } from "../../../src/recommend/model.ts";
import type { CandidatePool } from "../../../src/recommend/pool.ts";
import { DEFAULT_RANK_OPTIONS, trainPoolWeights } from "../../../src/recommend/rank.ts";
import { rankPoolWith } from "../../../src/recommend/rank-pool.ts";
import { REVIEW_FILES, readReview } from "../data.ts";
import { buildCorpus, seedPositives } from "../ours.ts";
import { draw, storedVectors } from "../run.ts";

const DRAWS = 20;
const reviews = REVIEW_FILES.map(readReview);
const vectors = new Map(REVIEW_FILES.flatMap((n) => [...storedVectors(n)]));
const merged = buildCorpus(
  reviews.flatMap((r) => r.records),
  vectors,
);
const days = reviews.map((r) => buildCorpus(r.records, vectors));
const included = new Set(reviews.flatMap((r) => r.records.filter((x) => x.included).map((x) => x.id)));

interface Mailed {
  z: number;
  dense: number;
  relevant: boolean;
}

function mailed(day: CandidatePool, seeds: string[]): Mailed[] {
  const interests = groupInterests(seedPositives(merged, seeds), merged);
  const weights = trainPoolWeights(merged, interests, [], DEFAULT_RANK_OPTIONS);
  if (!weights) throw new Error("no seeds");
  const model = personModel(merged, 1, weights, interests, { authors: [], topics: [] });
  const applied = modelOnPool(model, day, 1);
  const seedSet = new Set(seeds);
  const scored = rankPoolWith(day, applied.weights, applied.interests, new Map(), 0).filter(
    (s) => !seedSet.has(day.ids[s.index]),
  );
  const best = Math.max(...scored.map((s) => s.score));
  const line = Math.max(0, best * 0.25);
  const typical = typicalAlikeToStored(day);
  return scored
    .filter((s) => s.score > line)
    .slice(0, 20)
    .map((s) => {
      const f = day.features(s.index);
      const members = s.interest >= 0 ? applied.interests[s.interest].members : [];
      const sim = alikeToInterest(f, applied.interests[s.interest]);
      let dense = Number.NEGATIVE_INFINITY;
      for (const m of members)
        if (f.dense && m.features.dense) {
          let d = 0;
          for (let j = 0; j < f.dense.length; j++) d += f.dense[j] * m.features.dense[j];
          dense = Math.max(dense, d);
        }
      return { z: (sim - typical.mean) / typical.sd, dense, relevant: included.has(day.ids[s.index]) };
    });
}

const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : Number.NaN;
};
const f2 = (x: number) => x.toFixed(2);
const floors = [0.5, 1, 1.5, 2, 2.5];

for (const [a, r] of reviews.entries()) {
  const onTopic: Mailed[] = [];
  const offTopic: Mailed[] = [];
  for (let d = 0; d < DRAWS; d++) {
    const seeds = draw(
      r.records.filter((x) => x.included).map((x) => x.id),
      5,
      90_000 + 10 * d + a,
    );
    onTopic.push(...mailed(days[a], seeds));
    for (const [b] of reviews.entries()) if (b !== a) offTopic.push(...mailed(days[b], seeds));
  }
  const rel = onTopic.filter((m) => m.relevant);
  const irr = onTopic.filter((m) => !m.relevant);
  console.log(
    `${r.name}: on topic ${onTopic.length} mailed (${rel.length} included), off topic ${offTopic.length} mailed`,
  );
  for (const [name, xs] of [
    ["included, own day", rel],
    ["excluded, own day", irr],
    ["another review's day", offTopic],
  ] as const) {
    const at = (key: "z" | "dense", p: number) =>
      f2(
        pct(
          xs.map((m) => m[key]),
          p,
        ),
      );
    const kept = floors.map((z) => `${z}: ${f2(xs.filter((m) => m.z >= z).length / (xs.length || 1))}`);
    console.log(
      `  ${name.padEnd(22)} z p5 ${at("z", 0.05)} p25 ${at("z", 0.25)} p50 ${at("z", 0.5)} | dense p5 ${at("dense", 0.05)} p50 ${at("dense", 0.5)} p95 ${at("dense", 0.95)} | kept at z ≥ ${kept.join(", ")}`,
    );
  }
}
