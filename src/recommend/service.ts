import { authorKeysFollowedBy, papersByAuthor, syncPaperAuthors } from "../authors/store.ts";
import type { Queryable } from "../db/client.ts";
import { trendingPage } from "../feed/trending.ts";
import { dismissedPaperIds } from "../library/store.ts";
import { papersByIds } from "../papers/store.ts";
import type { Paper } from "../papers/types.ts";
import { savedSearchPapers, type TopicSearch } from "../topics/papers.ts";
import { diversify } from "./diversify.ts";
import { reasonsFor, reasonText } from "./explain.ts";
import type { CandidatePool } from "./pool.ts";
import type { CandidatePools } from "./pools.ts";
import { featuresOf, negativesFrom, positivesFrom } from "./profile.ts";
import { DEFAULT_RANK_OPTIONS, type RankOptions, type Scored } from "./rank.ts";
import { COVER_TOP, rankPool } from "./rank-pool.ts";
import type { CachedRanking } from "./ranker-cache.ts";
import { positiveSignalRows, seenPaperIds, signalVersion, topicsFollowedByUser } from "./store.ts";
import type { Boost, Interest, PositiveKind, PositiveSignal, Reason } from "./types.ts";

export const DEFAULT_WINDOW_DAYS = 7;
export const MAX_POSITIVES = 200;
export const MAX_NEGATIVES = 100;
/** Papers each followed author or topic contributes as the examples of its interest. */
const GROUP_EXAMPLES = 10;
/**
 * Best candidates a trained ranking keeps: enough for the longest list (100) after everything
 * the person sees meanwhile is dropped, and for every interest to take turns.
 */
const KEEP_SCORED = 3000;

export interface ForYouItem {
  paper: Paper;
  score: number;
  /** The interest it serves ("Your topic T", or the central paper's title), or null. */
  interest: string | null;
  reasons: Reason[];
  /** The reasons as sentences, for cards and mails. */
  why: string[];
}

export interface ForYouResult {
  /** "personal" ranks by the person's signals; "trending" is the cold start. */
  mode: "personal" | "trending";
  items: ForYouItem[];
  interests: { label: string; kind: Interest["kind"]; size: number }[];
  since: Date | null;
}

export interface ForYouOptions {
  now: Date;
  /** Rank papers new since this moment; null ranks every paper in the store. */
  since: Date | null;
  limit: number;
  /** Papers not to offer (already in an earlier section of the same digest). */
  exclude?: Set<string>;
  rank?: RankOptions;
  /** The search service: a followed topic's papers are what its search finds. */
  search: TopicSearch;
}

export function windowStart(now: Date, days = DEFAULT_WINDOW_DAYS): Date {
  const d = new Date(now.getTime() - days * 86_400_000);
  d.setUTCHours(0, 0, 0, 0);
  return d;
}

/**
 * "For you" for one person: their positives (saves, collections, upvotes), followed authors and
 * topics become interests; the classifiers score the new papers; interests take turns at the
 * top; each card says why. Someone with no signal at all gets trending papers. The trained
 * ranking is kept (pools.rankers) until the person's signals or the pool change, so a repeated
 * request reads two small queries and the papers it shows.
 */
export async function recommendFor(
  db: Queryable,
  pools: CandidatePools,
  userId: number,
  opts: ForYouOptions,
): Promise<ForYouResult> {
  const { pool, modelId } = await pools.get(opts.since);
  const [version, seen] = await Promise.all([signalVersion(db, userId), seenPaperIds(db, userId)]);
  // A ranking trained with other options (tuning, the CLI's experiments) is neither reused nor kept.
  const cacheable = opts.rank === undefined;
  let ranking = cacheable ? pools.rankers.get(pool, userId, version) : undefined;
  if (!ranking) {
    ranking = await trainRanking(db, pools, pool, modelId, userId, opts, seen, version);
    if (cacheable) pools.rankers.set(pool, userId, ranking);
  }
  if (ranking.cold) return trending(db, opts, seen);

  const skip = new Set([...seen, ...(opts.exclude ?? [])]);
  const scored: Scored[] = [];
  for (const s of ranking.scored)
    if (!skip.has(pool.ids[s.index]))
      scored.push({ candidate: s.index, score: s.score, interest: s.interest });
  const top = diversify(scored, opts.limit, COVER_TOP);
  const { interests, boosts } = ranking;
  const papers = await papersByIds(
    db,
    top.map((s) => pool.ids[s.candidate]),
  );
  const items = top.flatMap((s) => {
    const id = pool.ids[s.candidate];
    const paper = papers.get(id);
    if (!paper) return [];
    const interest = s.interest >= 0 ? interests[s.interest] : null;
    let reasons = ranking.reasons.get(s.candidate);
    if (!reasons) {
      reasons = reasonsFor(pool.features(s.candidate), interest, boosts.get(id) ?? []);
      ranking.reasons.set(s.candidate, reasons);
    }
    return [
      { paper, score: s.score, interest: interest?.label ?? null, reasons, why: reasons.map(reasonText) },
    ];
  });
  return {
    mode: "personal",
    items,
    interests: interests.map((i) => ({ label: i.label, kind: i.kind, size: i.members.length })),
    since: opts.since,
  };
}

/**
 * Reads the person's signals and trains their ranking over the pool: followed authors' and
 * topics' papers become interests of their own, and a candidate they match gets a boost and
 * the reason. Every candidate's score is kept, so that later requests only filter and sort.
 */
async function trainRanking(
  db: Queryable,
  pools: CandidatePools,
  pool: CandidatePool,
  modelId: number | null,
  userId: number,
  opts: ForYouOptions,
  seen: Set<string>,
  version: string,
): Promise<CachedRanking> {
  const [signalRows, dismissed, authors, topics] = await Promise.all([
    positiveSignalRows(db, userId, MAX_POSITIVES),
    dismissedPaperIds(db, userId, MAX_NEGATIVES),
    authorKeysFollowedBy(db, [userId]).then((m) => m.get(userId) ?? []),
    topicsFollowedByUser(db, userId),
  ]);
  const boosts = new Map<string, Boost[]>();
  if (signalRows.length === 0 && authors.length === 0 && topics.length === 0)
    return { version, cold: true, interests: [], scored: [], boosts, reasons: new Map() };

  const groupRows: { arxivId: string; kind: PositiveKind; group: PositiveSignal["group"] }[] = [];
  const boost = (id: string, b: Boost) => boosts.set(id, [...(boosts.get(id) ?? []), b]);
  if (authors.length > 0) await syncPaperAuthors(db);
  for (const a of authors) {
    const papers = await papersByAuthor(db, a.key, { limit: GROUP_EXAMPLES });
    for (const p of papers)
      groupRows.push({
        arxivId: p.arxivId,
        kind: "author",
        group: { key: `author:${a.key}`, kind: "author", label: a.name },
      });
  }
  const followedKeys = new Map(authors.map((a) => [a.key, a.name]));
  if (followedKeys.size > 0)
    pool.authorKeys.forEach((keys, i) => {
      for (const k of keys) {
        const name = followedKeys.get(k);
        if (name) boost(pool.ids[i], { kind: "author", label: name });
      }
    });
  for (const t of topics) {
    const matches = await pools.memo(pool, `topic:${t.id}:${t.mode}:${t.query}`, () =>
      savedSearchPapers({ db, search: opts.search }, t.query, {
        mode: t.mode,
        since: opts.since ?? undefined,
        limit: 120,
      }),
    );
    for (const p of matches) {
      if (pool.indexOf(p.arxivId) !== undefined) boost(p.arxivId, { kind: "topic", label: t.name });
    }
    for (const p of matches.slice(0, GROUP_EXAMPLES))
      groupRows.push({
        arxivId: p.arxivId,
        kind: "topic",
        group: { key: `topic:${t.id}`, kind: "topic", label: t.name },
      });
  }

  const feats = await featuresOf(db, pool, modelId, [
    ...new Set([...signalRows.map((r) => r.arxivId), ...groupRows.map((r) => r.arxivId), ...dismissed]),
  ]);
  const positives = [...positivesFrom(signalRows, feats), ...positivesFrom(groupRows, feats)];
  const negatives = negativesFrom(dismissed, feats);
  const { interests, indices, scored } = rankPool(
    pool,
    { positives, negatives, boosts },
    { skip: seen, limit: 0, rank: opts.rank ?? DEFAULT_RANK_OPTIONS },
  );
  return {
    version,
    cold: false,
    interests,
    scored: scored
      .map((s) => ({ index: indices[s.candidate], score: s.score, interest: s.interest }))
      .sort((a, b) => b.score - a.score || a.index - b.index)
      .slice(0, KEEP_SCORED),
    boosts,
    reasons: new Map(),
  };
}

async function trending(db: Queryable, opts: ForYouOptions, seen: Set<string>): Promise<ForYouResult> {
  const page = await trendingPage(db, {
    now: opts.now,
    page: 0,
    limit: Math.min(opts.limit + seen.size + (opts.exclude?.size ?? 0), opts.limit + 200),
  });
  const items = page.items
    .filter((i) => !seen.has(i.paper.arxivId) && !opts.exclude?.has(i.paper.arxivId))
    .slice(0, opts.limit)
    .map((i) => ({ paper: i.paper, score: i.score, interest: null, reasons: [], why: ["Trending"] }));
  return { mode: "trending", items, interests: [], since: opts.since };
}
