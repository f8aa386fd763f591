import type { Queryable } from "../db/client.ts";
import { papersByIds } from "../papers/store.ts";
import type { Paper } from "../papers/types.ts";
import { feedQuery, latestSubmissionTime, trendingCandidates } from "./queries.ts";
import type { FeedEntryInfo, FeedPage } from "./types.ts";

/**
 * Trending, the first version: Hacker News' gravity rule over the feed.
 *
 *   score = upvotes / (ageHours + 2) ^ 1.5
 *
 * `upvotes` counts the paper's upvotes (imported and cast here); `ageHours` is the time since
 * the paper first entered the feed. Only papers that entered the feed in the last 7 days
 * compete. A new paper with a few votes can thus pass an older one with more, and every paper
 * fades within days. Ties go to more upvotes, then the newer paper.
 *
 * The score depends on the clock, so it is computed when asked rather than stored: the
 * candidates are a week of feed entries (hundreds of rows), cheap to rank in memory.
 */
export const TRENDING_RULE = {
  windowDays: 7,
  gravity: 1.5,
  offsetHours: 2,
} as const;

const HOUR_MS = 3_600_000;

export function trendingScore(upvotes: number, ageHours: number, rule = TRENDING_RULE): number {
  // A clock skewed behind an entry's time must not give it a bonus, nor divide by zero.
  const age = Math.max(0, ageHours);
  return Math.max(0, upvotes) / (age + rule.offsetHours) ** rule.gravity;
}

export interface Scored {
  arxivId: string;
  upvotes: number;
  firstSubmittedAt: Date;
  score: number;
}

/** Ranks candidates by trending score at `now`, best first, with a total, stable order. */
export function rankTrending(
  candidates: { arxivId: string; upvotes: number; firstSubmittedAt: Date }[],
  now: Date,
  rule = TRENDING_RULE,
): Scored[] {
  return candidates
    .map((c) => ({
      ...c,
      score: trendingScore(c.upvotes, (now.getTime() - c.firstSubmittedAt.getTime()) / HOUR_MS, rule),
    }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.upvotes - a.upvotes ||
        b.firstSubmittedAt.getTime() - a.firstSubmittedAt.getTime() ||
        (a.arxivId < b.arxivId ? -1 : a.arxivId > b.arxivId ? 1 : 0),
    );
}

/**
 * The moment trending is computed at. On a live site that is now; on a site whose feed has
 * stopped (an archive, a demo loaded from old data), the time of the newest entry, so the page
 * shows the last week that had papers instead of nothing.
 */
async function trendingReferenceTime(db: Queryable, now: Date): Promise<Date | null> {
  const latest = await latestSubmissionTime(db);
  if (!latest) return null;
  const windowStart = now.getTime() - TRENDING_RULE.windowDays * 24 * HOUR_MS;
  return latest.getTime() >= windowStart ? now : latest;
}

interface TrendingItem {
  paper: Paper;
  entry: FeedEntryInfo;
  score: number;
}

export interface TrendingPage extends FeedPage<TrendingItem> {
  /** The moment the scores were computed at (see trendingReferenceTime). */
  asOf: Date | null;
}

/**
 * One page of trending papers. Without `period`, the candidates are the papers that first
 * entered the feed in the week before the reference time. With `period` (the API's
 * sort=trending over a day, week or month), they are that period's papers, scored at its end
 * (or now, if earlier), each aged from its entry in the period.
 */
export async function trendingPage(
  db: Queryable,
  opts: {
    now: Date;
    page: number;
    limit: number;
    period?: { start: string; end: string };
    submitter?: string;
  },
): Promise<TrendingPage> {
  const { asOf, candidates } = opts.period
    ? await periodCandidates(db, opts.now, opts.period, opts.submitter)
    : await recentCandidates(db, opts.now, opts.submitter);
  if (!asOf) return { items: [], hasNext: false, asOf: null };
  const ranked = rankTrending(candidates, asOf);
  const start = opts.page * opts.limit;
  const slice = ranked.slice(start, start + opts.limit);
  const ids = slice.map((s) => s.arxivId);
  const [papers, entries] = await Promise.all([papersByIds(db, ids), feedQuery().papers(ids).all(db)]);
  const entryOf = new Map(entries.map((i) => [i.paper.arxivId, i.entry]));
  const items = slice.flatMap((s) => {
    const paper = papers.get(s.arxivId);
    const entry = entryOf.get(s.arxivId);
    return paper && entry ? [{ paper, entry, score: s.score }] : [];
  });
  return { items, hasNext: ranked.length > start + opts.limit, asOf };
}

type Candidate = { arxivId: string; upvotes: number; firstSubmittedAt: Date };

async function recentCandidates(
  db: Queryable,
  now: Date,
  submitter?: string,
): Promise<{ asOf: Date | null; candidates: Candidate[] }> {
  const asOf = await trendingReferenceTime(db, now);
  if (!asOf) return { asOf, candidates: [] };
  // the newest entry defines a stopped feed's reference time, so the window includes it
  const to = new Date(asOf.getTime() + 1);
  const from = new Date(asOf.getTime() - TRENDING_RULE.windowDays * 24 * HOUR_MS);
  let candidates = await trendingCandidates(db, from, to);
  if (submitter) {
    const ids = candidates.map((c) => c.arxivId);
    const mine = new Set(
      (await feedQuery().submittedBy(submitter).papers(ids).rankingFacts(db)).map((c) => c.arxivId),
    );
    candidates = candidates.filter((c) => mine.has(c.arxivId));
  }
  return { asOf, candidates };
}

async function periodCandidates(
  db: Queryable,
  now: Date,
  period: { start: string; end: string },
  submitter?: string,
): Promise<{ asOf: Date; candidates: Candidate[] }> {
  const end = new Date(`${period.end}T00:00:00Z`);
  const asOf = new Date(Math.min(now.getTime(), end.getTime()));
  const q = feedQuery().between(period.start, period.end);
  if (submitter) q.submittedBy(submitter);
  return { asOf, candidates: await q.rankingFacts(db) };
}
