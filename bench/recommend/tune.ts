/**
 * Tuning for the recommender (`node --import tsx bench/recommend/tune.ts '{"c":0.02}' …`): the
 * same files and metrics as bench/recommend.bench.ts, but on draws with other seeds than the
 * reported ones, so that the committed figures are not the ones the options were chosen on.
 * Needs the vectors that `bench:recommend -- --reuse-vectors` keeps in /tmp. Prints only.
 */

import {
  DEFAULT_TURN_SCORE_SHARE,
  DEFAULT_TURNS,
  type TurnWeighting,
} from "../../src/recommend/diversify.ts";
import { typicalSimilarity } from "../../src/recommend/interests.ts";
import { DEFAULT_KEYWORD_OPTIONS, type KeywordOptions } from "../../src/recommend/keywords.ts";
import { DEFAULT_RANK_OPTIONS, type RankOptions } from "../../src/recommend/rank.ts";
import { similarity } from "../../src/recommend/similarity.ts";
import { REVIEW_FILES, type Review, readReview } from "./data.ts";
import { groupingAgreement } from "./grouping.ts";
import { averagePrecision, mean, recallAt } from "./metrics.ts";
import { buildCorpus, oursRanking } from "./ours.ts";
import { baselineRanking, draw, storedVectors } from "./run.ts";
import { tfidfMatrix } from "./sanity-baseline.ts";

const TUNE_SEED = 90_000;
const drawsArg = process.argv.find((a) => a.startsWith("--draws="));
const DRAWS = drawsArg ? Number(drawsArg.slice(8)) : 5;
const bigrams = process.argv.includes("--unigrams") ? false : DEFAULT_KEYWORD_OPTIONS.bigrams;
const maxDfArg = process.argv.find((a) => a.startsWith("--maxdf="));
const maxDfShare = maxDfArg ? Number(maxDfArg.slice(8)) : DEFAULT_KEYWORD_OPTIONS.maxDfShare;
// --keywords='{"titleWeight":0.5}': keyword options over the defaults (and --unigrams / --maxdf).
const keywordsArg = process.argv.find((a) => a.startsWith("--keywords="));
const keywordOptions: KeywordOptions = {
  ...DEFAULT_KEYWORD_OPTIONS,
  maxDfShare,
  bigrams,
  ...(keywordsArg ? (JSON.parse(keywordsArg.slice(11)) as Partial<KeywordOptions>) : {}),
};
const roundsArg = process.argv.find((a) => a.startsWith("--rounds="));
const rounds = roundsArg ? Number(roundsArg.slice(9)) : Number.POSITIVE_INFINITY;
const turnsArg = process.argv.find((a) => a.startsWith("--turns="));
const turns = (turnsArg ? turnsArg.slice(8) : DEFAULT_TURNS) as TurnWeighting;
const shareArg = process.argv.find((a) => a.startsWith("--turn-score-share="));
const turnScoreShare = shareArg ? Number(shareArg.slice(19)) : DEFAULT_TURN_SCORE_SHARE;
if (!["equal", "share", "sqrt"].includes(turns)) throw new Error(`--turns=${turns}: equal, share or sqrt`);
const ksArg = process.argv.find((a) => a.startsWith("--k="));
const ks = ksArg ? ksArg.slice(4).split(",").map(Number) : [5, 10];
const configs = process.argv
  .slice(2)
  .filter((a) => !a.startsWith("--"))
  .map((a) => JSON.parse(a) as Partial<RankOptions>);
if (configs.length === 0) configs.push({});
const withOptions = (o: Partial<RankOptions>): RankOptions => ({
  ...DEFAULT_RANK_OPTIONS,
  ...o,
  interests: { ...DEFAULT_RANK_OPTIONS.interests, ...(o.interests ?? {}) },
});

const reviews = REVIEW_FILES.map(readReview);
const prepared = (r: Review) => {
  const corpus = buildCorpus(r.records, storedVectors(r.name), keywordOptions);
  const ids = r.records.map((x) => x.id);
  return { corpus, ids, x: tfidfMatrix(r.records.map((x) => `${x.title} ${x.abstract}`)) };
};
const files = reviews.map((r) => ({ r, p: prepared(r) }));
const merged: Review = { name: "merged", records: reviews.flatMap((r) => r.records) };
const pool = prepared(merged);
const includedOf = (r: Review) => r.records.filter((x) => x.included).map((x) => x.id);

const tuningDraws = Array.from({ length: DRAWS }, (_, d) =>
  reviews.map((r, i) => draw(includedOf(r), 5, TUNE_SEED + 7000 + 10 * d + i)),
);

// How alike seeds of one interest are, against seeds of two different interests.
const within: number[] = [];
const across: number[] = [];
for (const seedsBy of tuningDraws) {
  for (const [i, a] of seedsBy.entries())
    for (const [j, b] of seedsBy.entries())
      for (const x of a)
        for (const y of b)
          if (x < y && j >= i)
            (i === j ? within : across).push(
              similarity(
                pool.corpus.features(pool.corpus.indexOf(x) as number),
                pool.corpus.features(pool.corpus.indexOf(y) as number),
              ),
            );
}
console.log(`keywords: ${JSON.stringify(keywordOptions)}; rounds of turns ${rounds}, turns ${turns}`);
const typical = typicalSimilarity(pool.corpus);
console.log(
  `seed similarity: within an interest ${mean(within).toFixed(3)}, across ${mean(across).toFixed(3)}; two papers of the pool at random ${typical.mean.toFixed(3)} ± ${typical.sd.toFixed(3)}`,
);

const baseAp = new Map<string, number>();
const baseMerged: string[][] = [];
for (const o of configs) {
  const opts = withOptions(o);
  const cells: string[] = [];
  for (const { r, p } of files)
    for (const k of ks) {
      const ours: number[] = [];
      const base: number[] = [];
      for (let d = 0; d < DRAWS; d++) {
        const seeds = draw(includedOf(r), k, TUNE_SEED + 1000 * k + d);
        const relevant = new Set(includedOf(r).filter((id) => !seeds.includes(id)));
        ours.push(
          averagePrecision(oursRanking(p.corpus, seeds, opts, rounds, turns, turnScoreShare), relevant),
        );
        const key = `${r.name}|${k}|${d}`;
        if (!baseAp.has(key)) baseAp.set(key, averagePrecision(baselineRanking(p.ids, p.x, seeds), relevant));
        base.push(baseAp.get(key) as number);
      }
      cells.push(
        `${r.name.slice(0, 4)} k${k} ${mean(ours).toFixed(3)}/${mean(base).toFixed(3)}=×${(mean(ours) / mean(base)).toFixed(2)}`,
      );
    }
  const recall = reviews.map(() => [] as number[]);
  const baseRecall = reviews.map(() => [] as number[]);
  for (let d = 0; d < DRAWS; d++) {
    const seedsBy = tuningDraws[d];
    const ranking = oursRanking(pool.corpus, seedsBy.flat(), opts, rounds, turns, turnScoreShare);
    const base = baseMerged[d] ?? baselineRanking(pool.ids, pool.x, seedsBy.flat());
    baseMerged[d] = base;
    reviews.forEach((r, i) => {
      const relevant = new Set(includedOf(r).filter((id) => !seedsBy[i].includes(id)));
      recall[i].push(recallAt(ranking, relevant, 20));
      baseRecall[i].push(recallAt(base, relevant, 20));
    });
  }
  console.log(JSON.stringify(o));
  const g = groupingAgreement(pool.corpus, tuningDraws, opts.interests);
  console.log(
    `  grouping: seeds of different files apart ${g.apart.toFixed(3)}, of one file together ${g.together.toFixed(3)}, ${g.interests.toFixed(1)} interests`,
  );
  console.log(`  ${cells.join("  ")}`);
  console.log(
    `  merged recall@20 ${recall.map((x) => mean(x).toFixed(4)).join(" / ")} baseline ${baseRecall.map((x) => mean(x).toFixed(4)).join(" / ")}`,
  );
}
