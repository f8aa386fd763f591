import type { Queryable } from "../db/client.ts";
import { trendingCandidates } from "../feed/queries.ts";
import { rankTrending } from "../feed/trending.ts";
import { papersByIds } from "../papers/store.ts";
import type { Paper } from "../papers/types.ts";
import { CandidatePools } from "../recommend/pools.ts";
import { DIGEST_SHARE_OF_BEST, LIKE_LINE, recommendFor } from "../recommend/service.ts";
import { type RecommendState, recommendStates, storedModels } from "../recommend/store.ts";
import { savedSearchPapers, type TopicSearch } from "../topics/papers.ts";
import { type Topic, topicById } from "../topics/store.ts";
import {
  assembleDigest,
  type DigestContent,
  PER_TOPIC_IN_DIGEST,
  TRENDING_IN_DIGEST,
} from "./digest-content.ts";

const DIGEST_SETTLE_MS = 5000;

/**
 * Where a digest's papers come from, memoised per window: thousands of subscribers share a
 * few windows and follow the same topics, so each query runs once per run, not once per mail.
 */
export class DigestSources {
  private readonly trending = new Map<string, Promise<Paper[]>>();
  private readonly topicPapers = new Map<string, Promise<Paper[]>>();
  private readonly topics = new Map<number, Promise<Topic | null>>();
  /** The stored "for you" models of the batch being sent, loaded in one query (prefetchModels). */
  private readonly models = new Map<number, { version: string; model: Uint8Array }>();
  /** Their signal versions and seen papers, loaded with the models. */
  private readonly states = new Map<number, RecommendState>();
  /** Papers the "for you" sections show, by id: loaded once a run, so each is rendered once. */
  private readonly papers = new Map<string, Promise<Paper | null>>();

  constructor(
    private readonly db: Queryable,
    private readonly search: TopicSearch,
    /**
     * One set of candidate pools per run: every subscriber's "for you" ranks from the same pools,
     * which ask whether papers changed every few seconds, not for every mail.
     */
    private readonly pools = new CandidatePools(db, DIGEST_SETTLE_MS),
  ) {}

  /**
   * Loads the stored models of a batch of subscribers' accounts in one query, instead of one
   * query per digest; each is used once, at the person's signal version as of their digest.
   */
  async prefetchModels(userIds: number[]): Promise<void> {
    if (userIds.length === 0) return;
    const [models, states] = await Promise.all([
      storedModels(this.db, userIds),
      recommendStates(this.db, userIds),
    ]);
    for (const [id, m] of models) this.models.set(id, m);
    for (const [id, s] of states) this.states.set(id, s);
  }

  /** Papers by id, each loaded once a run (the "for you" sections of thousands of mails share them). */
  private async papersOnce(ids: string[]): Promise<Map<string, Paper>> {
    const missing = ids.filter((id) => !this.papers.has(id));
    if (missing.length > 0) {
      const loaded = papersByIds(this.db, missing);
      loaded.catch(() => {
        for (const id of missing) this.papers.delete(id);
      });
      for (const id of missing) {
        const paper = loaded.then((m) => m.get(id) ?? null);
        // The caller awaits one id at a time and stops at the first failure: the others'
        // rejections must not go unhandled, which would end the digest process.
        paper.catch(() => {});
        this.papers.set(id, paper);
      }
    }
    const out = new Map<string, Paper>();
    for (const id of ids) {
      const p = await this.papers.get(id);
      if (p) out.set(id, p);
    }
    return out;
  }

  /** The period's trending papers: those that entered the feed in the window, scored at its end. */
  trendingIn(start: Date, end: Date): Promise<Paper[]> {
    const key = `${start.toISOString()}|${end.toISOString()}`;
    let hit = this.trending.get(key);
    if (!hit) {
      hit = (async () => {
        const ranked = rankTrending(await trendingCandidates(this.db, start, end), end).slice(
          0,
          TRENDING_IN_DIGEST * 2,
        );
        const byId = await papersByIds(
          this.db,
          ranked.map((r) => r.arxivId),
        );
        return ranked.flatMap((r) => byId.get(r.arxivId) ?? []);
      })();
      this.trending.set(key, hit);
    }
    return hit;
  }

  topic(id: number): Promise<Topic | null> {
    let hit = this.topics.get(id);
    if (!hit) {
      hit = topicById(this.db, id);
      this.topics.set(id, hit);
    }
    return hit;
  }

  /** New papers of a topic in the window. Over-fetched, since papers already shown above are dropped. */
  topicIn(topic: Topic, start: Date, end: Date): Promise<Paper[]> {
    const key = `${topic.id}|${start.toISOString()}|${end.toISOString()}`;
    let hit = this.topicPapers.get(key);
    if (!hit) {
      hit = savedSearchPapers({ db: this.db, search: this.search }, topic.query, {
        mode: topic.mode,
        since: start,
        until: end,
        limit: PER_TOPIC_IN_DIGEST + TRENDING_IN_DIGEST * 2,
      });
      this.topicPapers.set(key, hit);
    }
    return hit;
  }

  async digestFor(opts: {
    frequency: "daily" | "weekly";
    windowStart: Date;
    windowEnd: Date;
    topicIds: number[];
    /** The subscriber's account, for the "for you" section; none for an email-only subscriber. */
    userId?: number | null;
  }): Promise<DigestContent> {
    const { windowStart: start, windowEnd: end } = opts;
    const topics = (await Promise.all(opts.topicIds.map((id) => this.topic(id)))).filter(
      (t): t is Topic => !!t,
    );
    const [trending, sections] = await Promise.all([
      this.trendingIn(start, end),
      Promise.all(topics.map(async (t) => ({ topic: t, papers: await this.topicIn(t, start, end) }))),
    ]);
    const above = assembleDigest({
      frequency: opts.frequency,
      windowStart: start,
      windowEnd: end,
      trending,
      topics: sections,
    });
    const forYou = opts.userId ? await this.forYouIn(opts.userId, above, start, end) : null;
    return forYou
      ? assembleDigest({
          frequency: opts.frequency,
          windowStart: start,
          windowEnd: end,
          trending,
          topics: sections,
          forYou: forYou.papers,
          forYouWhy: forYou.why,
        })
      : above;
  }

  /**
   * The person's recommendations among the window's new papers, leaving out what the sections
   * above already show; none for a person without signals (trending is already above).
   */
  private async forYouIn(userId: number, above: DigestContent, start: Date, end: Date) {
    const shown = new Set(
      [...above.trending, ...above.topics.flatMap((t) => t.papers)].map((p) => p.arxivId),
    );
    const result = await recommendFor(this.db, this.pools, userId, {
      now: end,
      since: start,
      limit: PER_TOPIC_IN_DIGEST,
      // Only clear matches are mailed (DIGEST_SHARE_OF_BEST), each like a paper it names
      // (alike.ts); none, and the section is left out.
      minScore: LIKE_LINE,
      minShareOfBest: DIGEST_SHARE_OF_BEST,
      exclude: shown,
      search: this.search,
      reuse: false,
      prefetched: this.models,
      state: this.states.get(userId),
      papers: (ids) => this.papersOnce(ids),
    });
    this.models.delete(userId);
    this.states.delete(userId);
    if (result.mode !== "personal") return null;
    return {
      papers: result.items.map((i) => i.paper),
      why: Object.fromEntries(result.items.map((i) => [i.paper.arxivId, i.why.join(" · ")])),
    };
  }
}
