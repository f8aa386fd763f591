import { type Paper, totalUpvotes } from "../papers/types.ts";
import type { FeedItem } from "./xml.ts";

const EPOCH = new Date(0);

/**
 * A paper as a feed item. `listedAt` is when the paper entered the list the feed mirrors (its
 * feed entry), else its publication: readers sort by it, so it must not move when votes change.
 */
export function feedItemOf(p: Paper, baseUrl: string, listedAt?: Date | null): FeedItem {
  const published = listedAt ?? p.publishedAt ?? EPOCH;
  const updated = [p.updatedAt, p.publishedAt, listedAt].reduce<Date>(
    (max, d) => (d && d > max ? d : max),
    published,
  );
  const votes = totalUpvotes(p);
  return {
    arxivId: p.arxivId,
    title: p.title,
    url: `${baseUrl}/papers/${p.arxivId}`,
    summary: `${p.abstract}${votes > 0 ? `\n\n▲ ${votes} upvote${votes === 1 ? "" : "s"}` : ""}`,
    authors: p.authors.map((a) => a.name),
    categories: p.categories,
    published,
    updated,
  };
}

/** The feed's date: its newest item, or a fixed old date for an empty feed (stable validators). */
export function feedUpdated(items: FeedItem[]): Date {
  return new Date(Math.max(EPOCH.getTime(), ...items.map((i) => i.updated.getTime())));
}
