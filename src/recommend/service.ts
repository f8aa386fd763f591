import { authorKeysFollowedBy, papersByAuthor, syncPaperAuthors } from "../authors/store.ts";
import type { Queryable } from "../db/client.ts";
import { trendingPage } from "../feed/trending.ts";
import { dismissedPaperIds } from "../library/store.ts";
import { papersByIds } from "../papers/store.ts";
import type { Paper } from "../papers/types.ts";
import { savedSearchPapers, type TopicSearch } from "../topics/papers.ts";
import { reasonsFor, reasonText } from "./explain.ts";
import type { CandidatePools } from "./pools.ts";
import { featuresOf, negativesFrom, positivesFrom } from "./profile.ts";
import { DEFAULT_RANK_OPTIONS, type RankOptions } from "./rank.ts";
import { rankPool } from "./rank-pool.ts";
import { positiveSignalRows, seenPaperIds, topicsFollowedByUser } from "./store.ts";
import type { Boost, Interest, PositiveKind, PositiveSignal, Reason } from "./types.ts";

export const DEFAULT_WINDOW_DAYS = 7;
export const MAX_POSITIVES = 200;
export const MAX_NEGATIVES = 100;
/** Papers each followed author or topic contributes as the examples of its interest. */
const GROUP_EXAMPLES = 10;

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
 * topics become interests; each interest's classifier scores the new papers; interests take
 * turns at the top; each card says why. Someone with no signal at all gets trending papers.
 */
export async function recommendFor(
  db: Queryable,
  pools: CandidatePools,
  userId: number,
  opts: ForYouOptions,
): Promise<ForYouResult> {
  const rankOpts = opts.rank ?? DEFAULT_RANK_OPTIONS;
  const { pool, modelId } = await pools.get(opts.since);
  const [signalRows, dismissed, seen, authors, topics] = await Promise.all([
    positiveSignalRows(db, userId, MAX_POSITIVES),
    dismissedPaperIds(db, userId, MAX_NEGATIVES),
    seenPaperIds(db, userId),
    authorKeysFollowedBy(db, [userId]).then((m) => m.get(userId) ?? []),
    topicsFollowedByUser(db, userId),
  ]);
  if (signalRows.length === 0 && authors.length === 0 && topics.length === 0) return trending(db, opts, seen);

  // Followed authors and topics: their recent papers are the examples of an interest of their
  // own, and a candidate they match gets a boost and the reason.
  const groupRows: { arxivId: string; kind: PositiveKind; group: PositiveSignal["group"] }[] = [];
  const boosts = new Map<string, Boost[]>();
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
    const matches = await savedSearchPapers({ db, search: opts.search }, t.query, {
      mode: t.mode,
      since: opts.since ?? undefined,
      limit: 120,
    });
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
  const skip = new Set([...seen, ...(opts.exclude ?? [])]);
  const { interests, candidates, top } = rankPool(
    pool,
    { positives, negatives, boosts },
    { skip, limit: opts.limit, rank: rankOpts },
  );
  const papers = await papersByIds(
    db,
    top.map((s) => candidates[s.candidate].id),
  );
  const items = top.flatMap((s) => {
    const c = candidates[s.candidate];
    const paper = papers.get(c.id);
    if (!paper) return [];
    const interest = s.interest >= 0 ? interests[s.interest] : null;
    const reasons = reasonsFor(c.features, interest, boosts.get(c.id) ?? []);
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
