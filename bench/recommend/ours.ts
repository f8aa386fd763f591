import { diversify } from "../../src/recommend/diversify.ts";
import { groupInterests } from "../../src/recommend/interests.ts";
import {
  buildKeywordSpace,
  DEFAULT_KEYWORD_OPTIONS,
  type KeywordOptions,
  keywordVector,
  paperKeywordText,
} from "../../src/recommend/keywords.ts";
import {
  type Candidate,
  DEFAULT_RANK_OPTIONS,
  type RankOptions,
  scoreCandidates,
} from "../../src/recommend/rank.ts";
import type { Features, PositiveSignal } from "../../src/recommend/types.ts";

export interface Corpus {
  ids: string[];
  titles: string[];
  features: Map<string, Features>;
}

/** Our features for a pool of papers: stored embeddings plus keyword vectors over the pool. */
export function buildCorpus(
  records: { id: string; title: string; abstract: string }[],
  vectors: Map<string, Float32Array>,
  keywordOptions: KeywordOptions = DEFAULT_KEYWORD_OPTIONS,
): Corpus {
  const texts = records.map((r) => paperKeywordText(r.title, r.abstract));
  const space = buildKeywordSpace(texts, keywordOptions);
  const features = new Map<string, Features>();
  records.forEach((r, i) => {
    features.set(r.id, {
      dense: vectors.get(r.id) ?? null,
      keywords: keywordVector(space, texts[i], keywordOptions.bigrams),
    });
  });
  return { ids: records.map((r) => r.id), titles: records.map((r) => r.title), features };
}

/** Ranks every paper but the seeds with the recommender the site uses. */
export function oursRanking(
  corpus: Corpus,
  seeds: string[],
  opts: RankOptions = DEFAULT_RANK_OPTIONS,
): string[] {
  const seedSet = new Set(seeds);
  const positives: PositiveSignal[] = seeds.map((id) => ({
    id,
    title: id,
    kind: "saved",
    weight: 1,
    features: corpus.features.get(id) as Features,
  }));
  const candidates: Candidate[] = corpus.ids
    .filter((id) => !seedSet.has(id))
    .map((id) => ({ id, features: corpus.features.get(id) as Features }));
  const interests = groupInterests(positives, opts.interests);
  const scored = scoreCandidates(interests, [], candidates, new Map(), opts);
  return diversify(scored, scored.length, COVER_TOP).map((s) => candidates[s.candidate].id);
}

export const COVER_TOP = 50;
