import { authorKeysFollowedBy, INLINE_SYNC_MAX, papersByAuthor, syncPaperAuthors } from "../authors/store.ts";
import type { Queryable } from "../db/client.ts";
import { trendingPage } from "../feed/trending.ts";
import { dismissedPaperIds } from "../library/store.ts";
import { papersByIds } from "../papers/store.ts";
import type { Paper } from "../papers/types.ts";
import { savedSearchPapers, type TopicSearch } from "../topics/papers.ts";
import { alikeToInterest, likenessFloor } from "./alike.ts";
import { DEFAULT_TURN_SCORE_SHARE, DEFAULT_TURNS, diversify } from "./diversify.ts";
import { reasonsFor, reasonText } from "./explain.ts";
import { groupInterests } from "./interests.ts";
import { COLD_MODEL, decodeModel, encodeModel, modelOnPool, type PersonModel, personModel } from "./model.ts";
import type { CandidatePool } from "./pool.ts";
import type { CandidatePools } from "./pools.ts";
import { abstractsOf, featuresOf, negativesFrom, positivesFrom } from "./profile.ts";
import { DEFAULT_RANK_OPTIONS, type RankOptions, trainPoolWeights } from "./rank.ts";
import { COVER_TOP, KEEP_SCORED, rankPoolWith, type ScoredPaper } from "./rank-pool.ts";
import type { CachedRanking } from "./ranker-cache.ts";
import {
  type FollowedTopicRow,
  peopleWithStaleModels,
  positiveSignalRows,
  type RecommendState,
  recommendState,
  recommendStateWithModel,
  storedModelAt,
  storeModel,
  topicsFollowedByUser,
} from "./store.ts";
import type { Boost, Interest, PositiveKind, PositiveSignal, Reason } from "./types.ts";
import { DEFAULT_WINDOW_DAYS, forYouWindow } from "./window.ts";

export const MAX_POSITIVES = 200;
/** Below this many papers (45 pairs: interests.ts's MIN_SCALE_PAIRS) a pool's own likeness scale is not trusted. */
const MIN_SCALE_PAPERS = 10;
const MAX_NEGATIVES = 100;
/** Papers each followed author or topic contributes as the examples of its interest. */
const GROUP_EXAMPLES = 10;

/**
 * The person's model's own line between papers like those they keep and the rest (a linear SVM's
 * zero, after the boosts of what they follow). Papers below it are weaker matches: the page shows
 * them apart, after the others; a digest leaves them out.
 */
export const LIKE_LINE = 0;

/**
 * A digest mails only clear matches: papers scored at least this share of the best one on offer
 * to the person (besides being above LIKE_LINE). Being above the line is not enough for an email:
 * on the site's sample a physicist's week scored its best new papers 0.19 and then a tail from
 * 0.023 down to 0.005, each of which the page shows as a close match, but a mail that says
 * "Because you saved X" of them is wrong. The share is of the best rather than a fixed score
 * because the scale moves by orders of magnitude with the pool (clear matches scored 0.2 to 0.45
 * on the sample, 0.02 and 0.00005 in the digest tests' small pools). A followed author's or
 * topic's paper is mailed whatever its score, and does not count as the best.
 */
export const DIGEST_SHARE_OF_BEST = 0.25;

export interface ForYouItem {
  paper: Paper;
  score: number;
  /**
   * Not by a followed author or topic, and scored at or below LIKE_LINE or like none of the
   * person's papers (alike.ts): offered only to fill the page, under its own heading.
   */
  weak: boolean;
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
  /**
   * Offer only papers scored above this and like a paper of their interest (alike.ts): a digest
   * sets LIKE_LINE, the model's own line between "like what you keep" and not, and
   * minShareOfBest, so that a week with few such papers gets a shorter section instead of one
   * padded with papers whose "Because you saved …" would be untrue. The page shows a full feed
   * and leaves it unset, showing the weaker matches apart. A followed author's or topic's paper
   * is offered whatever its score.
   */
  minScore?: number;
  /**
   * With minScore, also leave out papers scored below this share of the best one on offer
   * (a digest's DIGEST_SHARE_OF_BEST); followed authors' and topics' papers are kept.
   */
  minShareOfBest?: number;
  /** Papers not to offer (already in an earlier section of the same digest). */
  exclude?: Set<string>;
  rank?: RankOptions;
  /** The search service: a followed topic's papers are what its search finds. */
  search: TopicSearch;
  /**
   * False for a ranking used once (a digest's section): it is neither kept in memory for later
   * requests nor longer than this request needs.
   */
  reuse?: boolean;
  /** Stored models loaded beforehand for many people at once (storedModels); used at their version. */
  prefetched?: Map<number, { version: string; model: Uint8Array }>;
  /**
   * The person's signal version and seen papers loaded beforehand with a batch's (recommendStates),
   * instead of a query for this request.
   */
  state?: RecommendState;
  /** Loads the papers shown (a digest run keeps the objects it loaded, so each renders once). */
  papers?: (ids: string[]) => Promise<Map<string, Paper>>;
}

/**
 * "For you" for one person: their positives (saves, collections, upvotes), followed authors and
 * topics become interests; their stored model (trained when their signals last changed) scores
 * the new papers in one pass; interests take turns at the top; each card says why. Someone with
 * no signal at all gets trending papers. The ranking is also kept in memory (pools.rankers)
 * until the person's signals or the pool change, so a repeated request reads one small query
 * and the papers it shows.
 */
export async function recommendFor(
  db: Queryable,
  pools: CandidatePools,
  userId: number,
  opts: ForYouOptions,
): Promise<ForYouResult> {
  // A ranking trained with other options (tuning, the CLI's experiments) is neither reused nor kept.
  const cacheable = opts.rank === undefined;
  const reuse = cacheable && opts.reuse !== false;
  let loaded: RecommendState & { model?: Uint8Array | null };
  let keptAt: string | null = null;
  let at: { pool: CandidatePool; modelId: number | null };
  if (!opts.state && cacheable) {
    // A view's state, stored model and the active embedding model in one query; the model's bytes
    // are left out when the ranking kept in memory is at the person's version. Which pool that is
    // comes from the active model last read: should the query find another (or the pool have been
    // rebuilt meanwhile), that ranking is not this pool's, and a model left out is read below.
    const guess = reuse ? pools.peek(opts.since) : null;
    keptAt = guess ? pools.rankers.versionOf(guess, userId) : null;
    const state = await recommendStateWithModel(db, userId, keptAt);
    at = await pools.get(opts.since, state.activeModel);
    loaded = state;
  } else {
    // A reader's state was loaded with their batch's.
    at = await pools.get(opts.since);
    loaded = opts.state ?? (await recommendState(db, userId));
  }
  const { pool, modelId } = at;
  const { version, seen } = loaded;
  let ranking = reuse ? pools.rankers.get(pool, userId, version) : undefined;
  if (!ranking) {
    const early = opts.prefetched?.get(userId);
    // The model was left out for a kept ranking that has gone meanwhile (evicted): read it now.
    const withState = loaded.model === undefined || (loaded.model === null && keptAt === version);
    const stored = !cacheable
      ? null
      : early?.version === version
        ? early.model
        : withState
          ? await storedModelAt(db, userId, version)
          : loaded.model;
    let model = stored ? decodeModel(stored) : null;
    if (!model || (!model.cold && model.embeddingModelId !== modelId)) {
      if (cacheable) {
        // The model is stored, then applied to every window (the page's week, a digest's day, the
        // CLI's --since and --all), so it is trained where the job trains it (trainingPool), not
        // over whichever request's pool came first after a save: a digest's day of four papers
        // kept no term, only a bias (every paper 0.025), and the page applied that model.
        const home = await trainingPool(db, pools, opts.now);
        model = await trainModel(db, pools, home.pool, home.modelId, userId, { ...opts, since: home.since });
        await storeModel(db, userId, version, encodeModel(model), opts.now);
      } else model = await trainModel(db, pools, pool, modelId, userId, opts);
    }
    ranking = await rankingOf(db, pools, pool, modelId, model, version, opts, seen, reuse);
    if (reuse) pools.rankers.set(pool, userId, ranking);
  }
  if (ranking.cold) return trending(db, opts, seen);

  const { interests, boosts } = ranking;
  // A followed author's or topic's paper is a close match whatever the model makes of it: its
  // reason ("Z, whom you follow") is a fact, not a guess.
  const isBoosted = (s: ScoredPaper) => boosts.has(pool.ids[s.index]);
  // The interest whose papers it is like (alike.ts), worked out once per paper of a kept ranking:
  // the one it serves (the nearest centroid), else the other one it is most like, else -1. A
  // robot-policy paper nearest the centroid of a reader's diffusion papers was the model's best
  // on the site's sample and is like their robot papers: it is a close match, and its reason
  // names those.
  // A pool of a few papers (a quiet digest day) has too few pairs to say what is typical, and the
  // fallback scale (interests.ts) is one of full papers, not of a paper against a stored member;
  // the window models are trained over says it for this store and embedding model.
  const scalePool = pool.size >= MIN_SCALE_PAPERS ? pool : (await trainingPool(db, pools, opts.now)).pool;
  const floor = likenessFloor(scalePool);
  const likedInterest = (s: ScoredPaper) => {
    let at = ranking.like.get(s.index);
    if (at === undefined) {
      const f = pool.features(s.index);
      at = -1;
      if (alikeToInterest(f, interests[s.interest]) >= floor) at = s.interest;
      else {
        let best = floor;
        interests.forEach((it, k) => {
          if (k === s.interest) return;
          const alike = alikeToInterest(f, it);
          if (alike >= best) [best, at] = [alike, k];
        });
      }
      ranking.like.set(s.index, at);
    }
    return at;
  };
  const isLike = (s: ScoredPaper) => likedInterest(s) >= 0;
  const isClose = (s: ScoredPaper, line: number) => s.score > line || isBoosted(s);
  // A close match: on the model's side of the line and like a paper it names, or by what they follow.
  const isCloseLike = (s: ScoredPaper, line: number) => isBoosted(s) || (s.score > line && isLike(s));
  const skip = new Set([...seen, ...(opts.exclude ?? [])]);
  const unseen = ranking.scored.filter((s) => !skip.has(pool.ids[s.index]));
  let line = opts.minScore;
  if (line !== undefined && opts.minShareOfBest) {
    // The best by the model alone, among the papers like the person's (the kept ones come best
    // first): a followed author's bonus, or an unlike paper the model scores high, would raise
    // the bar for the rest.
    const best = unseen.find((s) => !isBoosted(s) && isLike(s))?.score ?? Number.NEGATIVE_INFINITY;
    line = Math.max(line, best * opts.minShareOfBest);
  }
  const offered = line === undefined ? unseen : unseen.filter((s) => isCloseLike(s, line));
  // The interests take turns among the close matches first; weaker ones only fill what is left,
  // so a weak paper never takes an interest's turn from a close one.
  const turns = {
    turns: DEFAULT_TURNS,
    interestWeights: ranking.interests.map((i) => i.weight),
    turnScoreShare: DEFAULT_TURN_SCORE_SHARE,
    isBoosted,
  };
  const chosen = diversify(
    offered.filter((s) => isClose(s, LIKE_LINE)),
    opts.limit,
    COVER_TOP,
    turns,
  );
  if (chosen.length < opts.limit) {
    const weak = offered.filter((s) => !isClose(s, LIKE_LINE));
    chosen.push(...diversify(weak, opts.limit - chosen.length, COVER_TOP, turns));
  }
  // Of the papers shown, one the model scores on its side of the line but like none of the
  // person's papers joins the weaker matches, ahead of those below the line: "Because you saved
  // X" would be untrue of it (a digest offered no such paper). Only the shown ones move
  // (alike.ts: ordering the whole list so cost AP).
  const top = [
    ...chosen.filter((s) => isCloseLike(s, LIKE_LINE)),
    ...chosen.filter((s) => !isCloseLike(s, LIKE_LINE)),
  ];
  const shownIds = top.map((s) => pool.ids[s.index]);
  const papers = await (opts.papers ? opts.papers(shownIds) : papersByIds(db, shownIds));
  const items = top.flatMap((s) => {
    const id = pool.ids[s.index];
    const paper = papers.get(id);
    if (!paper) return [];
    const weak = !isCloseLike(s, LIKE_LINE);
    // A close match is named after the interest it is like; a followed author's or topic's paper
    // says "Because you saved X" only when it is like X's interest, besides whom it is by.
    const at = weak ? s.interest : likedInterest(s);
    const interest = at >= 0 ? interests[at] : null;
    let reasons = ranking.reasons.get(s.index);
    if (!reasons) {
      reasons = reasonsFor(pool.features(s.index), interest, boosts.get(id) ?? []);
      ranking.reasons.set(s.index, reasons);
    }
    return [
      {
        paper,
        score: s.score,
        weak,
        interest: interest?.label ?? null,
        reasons,
        why: reasons.map((r) => reasonText(r, weak)),
      },
    ];
  });
  return {
    mode: "personal",
    items,
    interests: interests.map((i) => ({ label: i.label, kind: i.kind, size: i.weight })),
    since: opts.since,
  };
}

/**
 * The pool every stored model is trained over, by the job and inline alike: the one the page
 * ranks. On a store whose newest paper is older than the window (the shipped sample, an archive)
 * that window ends at the newest paper; a model trained over the empty window of today, or over a
 * digest's day of a few papers, would hold only a bias, and every page would apply it.
 */
async function trainingPool(db: Queryable, pools: CandidatePools, now: Date) {
  const { since } = await forYouWindow(db, now, DEFAULT_WINDOW_DAYS);
  return { since, ...(await pools.get(since)) };
}

/**
 * Trains and stores the model of everyone whose signals changed since their model was trained
 * (the recommend-models job, and the digest benchmark's set-up), over the default window's pool.
 * Returns how many were trained.
 */
export async function trainStaleModels(
  db: Queryable,
  pools: CandidatePools,
  opts: { now: Date; search: TopicSearch; max: number; shouldStop?: () => boolean },
): Promise<number> {
  const { since, pool, modelId } = await trainingPool(db, pools, opts.now);
  let trained = 0;
  while (trained < opts.max && !opts.shouldStop?.()) {
    const people = await peopleWithStaleModels(db, Math.min(100, opts.max - trained));
    if (people.length === 0) break;
    for (const userId of people) {
      const { version } = await recommendState(db, userId);
      const model = await trainModel(db, pools, pool, modelId, userId, { ...opts, since });
      await storeModel(db, userId, version, encodeModel(model), opts.now);
      trained++;
    }
  }
  return trained;
}

/** Papers of the pool a followed topic matches (its search, once per pool). */
function topicMatches(
  pools: CandidatePools,
  pool: CandidatePool,
  db: Queryable,
  t: FollowedTopicRow,
  opts: ModelOptions,
) {
  return pools.memo(pool, `topic:${t.id}:${t.mode}:${t.query}`, () =>
    savedSearchPapers({ db, search: opts.search }, t.query, {
      mode: t.mode,
      since: opts.since ?? undefined,
      limit: 120,
    }),
  );
}

/** The ids of a followed topic's matches that are in the pool, once per pool (every reader of a digest run boosts them). */
function topicMatchesInPool(
  pools: CandidatePools,
  pool: CandidatePool,
  db: Queryable,
  t: FollowedTopicRow,
  opts: ModelOptions,
): Promise<{ ids: string[]; indices: number[] }> {
  return pools.memo(pool, `topic-in-pool:${t.id}:${t.mode}:${t.query}`, async () => {
    const ids: string[] = [];
    const indices: number[] = [];
    for (const p of await topicMatches(pools, pool, db, t, opts)) {
      const i = pool.indexOf(p.arxivId);
      if (i === undefined) continue;
      ids.push(p.arxivId);
      indices.push(i);
    }
    return { ids, indices };
  });
}

type ModelOptions = Pick<ForYouOptions, "since" | "search" | "rank">;

/**
 * Reads the person's signals and trains their model over the pool: followed authors' and topics'
 * papers become interests of their own beside the clusters of their positives.
 */
async function trainModel(
  db: Queryable,
  pools: CandidatePools,
  pool: CandidatePool,
  modelId: number | null,
  userId: number,
  opts: ModelOptions,
): Promise<PersonModel> {
  const [signalRows, dismissed, authors, topics] = await Promise.all([
    positiveSignalRows(db, userId, MAX_POSITIVES),
    dismissedPaperIds(db, userId, MAX_NEGATIVES),
    authorKeysFollowedBy(db, [userId]).then((m) => m.get(userId) ?? []),
    topicsFollowedByUser(db, userId),
  ]);
  if (signalRows.length === 0 && authors.length === 0 && topics.length === 0) return COLD_MODEL;

  const groupRows: { arxivId: string; kind: PositiveKind; group: PositiveSignal["group"] }[] = [];
  // The author-index job keeps paper_authors current; a ranking catches up only a small backlog.
  if (authors.length > 0) await syncPaperAuthors(db, { inlineMax: INLINE_SYNC_MAX });
  for (const a of authors) {
    const papers = await papersByAuthor(db, a.key, { limit: GROUP_EXAMPLES });
    for (const p of papers)
      groupRows.push({
        arxivId: p.arxivId,
        kind: "author",
        group: { key: `author:${a.key}`, kind: "author", label: a.name },
      });
  }
  for (const t of topics)
    for (const p of (await topicMatches(pools, pool, db, t, opts)).slice(0, GROUP_EXAMPLES))
      groupRows.push({
        arxivId: p.arxivId,
        kind: "topic",
        group: { key: `topic:${t.id}`, kind: "topic", label: t.name },
      });

  const feats = await featuresOf(db, pool, modelId, [
    ...new Set([...signalRows.map((r) => r.arxivId), ...groupRows.map((r) => r.arxivId), ...dismissed]),
  ]);
  const free = positivesFrom(signalRows, feats);
  // Clusters of saves are named by what their papers share, abstracts included; a followed
  // author's or topic's interest is named after the author or topic.
  const inPool = free.filter((p) => p.abstract === undefined);
  const abstracts = await abstractsOf(
    db,
    inPool.map((p) => p.id),
  );
  for (const p of inPool) p.abstract = abstracts.get(p.id);
  const positives = [...free, ...positivesFrom(groupRows, feats)];
  const rank = opts.rank ?? DEFAULT_RANK_OPTIONS;
  const interests = groupInterests(positives, pool, rank.interests);
  const weights = trainPoolWeights(pool, interests, negativesFrom(dismissed, feats), rank) ?? {
    bias: 0,
    dense: null,
    termIds: new Uint32Array(0),
    termWeights: new Float32Array(0),
  };
  return personModel(pool, modelId, weights, interests, {
    authors: authors.map((a) => ({ key: a.key, name: a.name })),
    topics,
  });
}

/**
 * A person's model applied to a pool: a candidate a followed author wrote, or that a followed
 * topic matches, gets a boost and the reason. Every kept candidate's score is cached, so that
 * later requests only filter and sort.
 */
async function rankingOf(
  db: Queryable,
  pools: CandidatePools,
  pool: CandidatePool,
  modelId: number | null,
  model: PersonModel,
  version: string,
  opts: ModelOptions & Pick<ForYouOptions, "limit" | "exclude">,
  seen: Set<string>,
  reuse: boolean,
): Promise<CachedRanking> {
  const boosts = new Map<string, Boost[]>();
  if (model.cold)
    return { version, cold: true, interests: [], scored: [], boosts, reasons: new Map(), like: new Map() };
  // Appended in place: a digest reader's three topics boost some 360 papers, and a new array per
  // boost was a tenth of applying their model.
  const boost = (id: string, b: Boost) => {
    const list = boosts.get(id);
    if (list) list.push(b);
    else boosts.set(id, [b]);
  };
  // Their pool indices too, so that scoring looks none up again (360 id look-ups per digest reader).
  const boosted: number[] = [];
  for (const a of model.authors)
    for (const i of pool.papersBy(a.key)) {
      boost(pool.ids[i], { kind: "author", label: a.name });
      boosted.push(i);
    }
  for (const t of model.topics) {
    const matches = await topicMatchesInPool(pools, pool, db, t, opts);
    for (const id of matches.ids) boost(id, { kind: "topic", label: t.name });
    boosted.push(...matches.indices);
  }
  const { weights, interests } = modelOnPool(model, pool, modelId);
  const rank = opts.rank ?? DEFAULT_RANK_OPTIONS;
  let dropped = 0;
  for (const id of new Set([...seen, ...(opts.exclude ?? [])])) if (pool.indexOf(id) !== undefined) dropped++;
  // A kept ranking serves later requests too: papers seen meanwhile (a digest's) are dropped per
  // request, hence the margin of COVER_TOP. One used once (a digest's eight papers) needs this
  // request's papers and, so that a small interest's turn still goes to its best-scored papers,
  // the same margin.
  const keep = reuse ? KEEP_SCORED : opts.limit + 2 * COVER_TOP;
  const enough = (reuse ? COVER_TOP : Math.min(opts.limit, COVER_TOP)) + COVER_TOP;
  const scored = rankPoolWith(
    pool,
    weights,
    interests,
    boosts,
    rank.boostBonus,
    keep + dropped,
    enough + dropped,
    boosted,
  );
  return { version, cold: false, interests, scored, boosts, reasons: new Map(), like: new Map() };
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
    .map((i) => ({
      paper: i.paper,
      score: i.score,
      weak: false,
      interest: null,
      reasons: [],
      why: ["Trending"],
    }));
  return { mode: "trending", items, interests: [], since: opts.since };
}
