import type { Paper } from "../papers/types.ts";
import type { Topic } from "../topics/store.ts";

export interface TopicSection {
  topic: Pick<Topic, "name" | "slug">;
  papers: Paper[];
}

export interface DigestContent {
  frequency: "daily" | "weekly";
  windowStart: Date;
  windowEnd: Date;
  trending: Paper[];
  topics: TopicSection[];
  forYou: Paper[];
  /** Why each For-you paper is there ("Because you saved …"), by arXiv id. */
  forYouWhy?: Record<string, string>;
}

export const TRENDING_IN_DIGEST = 10;
export const PER_TOPIC_IN_DIGEST = 8;

/**
 * Puts a digest together from its sources: trending first, then each followed topic in the
 * order followed, then "for you". A paper appears once, in the first section that has it, so a
 * paper matching three topics does not fill the mail three times. Topics left empty are dropped.
 */
export function assembleDigest(input: {
  frequency: "daily" | "weekly";
  windowStart: Date;
  windowEnd: Date;
  trending: Paper[];
  topics: TopicSection[];
  forYou?: Paper[];
  forYouWhy?: Record<string, string>;
}): DigestContent {
  const seen = new Set<string>();
  const take = (papers: Paper[], limit: number) => {
    const out: Paper[] = [];
    for (const p of papers) {
      if (out.length >= limit) break;
      if (seen.has(p.arxivId)) continue;
      seen.add(p.arxivId);
      out.push(p);
    }
    return out;
  };
  const trending = take(input.trending, TRENDING_IN_DIGEST);
  const topics = input.topics
    .map((s) => ({ topic: s.topic, papers: take(s.papers, PER_TOPIC_IN_DIGEST) }))
    .filter((s) => s.papers.length > 0);
  const forYou = take(input.forYou ?? [], PER_TOPIC_IN_DIGEST);
  return { ...input, trending, topics, forYou };
}

export function digestIsEmpty(d: DigestContent): boolean {
  return d.trending.length === 0 && d.topics.length === 0 && d.forYou.length === 0;
}

/** Every paper a digest shows, in order. */
export function digestPaperIds(d: DigestContent): string[] {
  return [...d.trending, ...d.topics.flatMap((t) => t.papers), ...d.forYou].map((p) => p.arxivId);
}
