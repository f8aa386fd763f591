import type { Queryable } from "../db/client.ts";
import { topicIdsFollowedBy } from "../topics/store.ts";
import type { DeliveryDeps } from "./deps.ts";
import { type DigestContent, digestIsEmpty } from "./digest-content.ts";
import { type RenderedDigest, renderDigest } from "./digest-render.ts";
import { DigestSources } from "./digest-sources.ts";
import { periodAsOfNow } from "./enqueue.ts";
import { manageUrl, unsubscribeUrl } from "./links.ts";
import type { DigestPeriod } from "./schedule.ts";
import type { Frequency, Subscriber } from "./subscribers-store.ts";

export interface DigestPreview {
  period: DigestPeriod;
  content: DigestContent;
  rendered: RenderedDigest;
  empty: boolean;
}

/** The digest a subscriber would get for the period ending now (the CLI's preview and dry run). */
export async function previewDigest(
  deps: Pick<DeliveryDeps, "secret" | "baseUrl" | "now" | "search"> & { db: Queryable },
  sub: Subscriber,
  opts: { frequency?: Frequency; period?: DigestPeriod; sources?: DigestSources } = {},
): Promise<DigestPreview> {
  const frequency = opts.frequency ?? sub.frequency;
  const period = opts.period ?? periodAsOfNow({ ...sub, frequency }, deps.now());
  const sources = opts.sources ?? new DigestSources(deps.db, deps.search);
  const follows = await topicIdsFollowedBy(deps.db, [sub.id]);
  const content = await sources.digestFor({
    frequency,
    windowStart: period.windowStart,
    windowEnd: period.windowEnd,
    topicIds: follows.get(sub.id) ?? [],
    userId: sub.userId,
  });
  const rendered = renderDigest(content, {
    baseUrl: deps.baseUrl,
    unsubscribeUrl: unsubscribeUrl(deps, sub),
    manageUrl: manageUrl(deps, sub),
  });
  return { period, content, rendered, empty: digestIsEmpty(content) };
}
