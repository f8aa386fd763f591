import { createHash } from "node:crypto";
import type { Queryable } from "../db/client.ts";
import { slugify, topicMatch, topicQueryKey } from "./query.ts";
import { insertTopic, type Topic, type TopicMode, topicByQueryKey, topicBySlug } from "./store.ts";

export const MAX_TOPIC_QUERY = 250;
export const MAX_TOPIC_NAME = 80;
const CONTROL = /[\u0000-\u001f\u007f]/;

export type SaveTopicResult = { ok: true; topic: Topic; created: boolean } | { ok: false; error: string };

/**
 * Saves a search as a topic, or finds the topic that already has the same search: a topic is
 * shared by everyone who follows it, so digests compute it once. A name is optional (the query
 * is the name); names end up in mail subjects, so control characters are refused.
 */
export async function saveTopic(
  db: Queryable,
  input: { query: unknown; name?: unknown; mode?: TopicMode; featured?: boolean; createdBy?: number | null },
): Promise<SaveTopicResult> {
  const query = typeof input.query === "string" ? input.query.trim() : "";
  const name = typeof input.name === "string" && input.name.trim() ? input.name.trim() : query;
  if (!query) return { ok: false, error: "A topic needs a search query." };
  if (query.length > MAX_TOPIC_QUERY)
    return { ok: false, error: `A topic's query can have at most ${MAX_TOPIC_QUERY} characters.` };
  if (name.length > MAX_TOPIC_NAME)
    return { ok: false, error: `A topic's name can have at most ${MAX_TOPIC_NAME} characters.` };
  if (CONTROL.test(query) || CONTROL.test(name))
    return { ok: false, error: "Line breaks and control characters are not allowed." };
  const parsed = topicMatch(query);
  if (!parsed.ok) return parsed;
  const mode = input.mode ?? "keyword";
  const key = topicQueryKey(parsed.match, mode);
  const existing = await topicByQueryKey(db, key);
  if (existing) return { ok: true, topic: existing, created: false };
  // Two topics may share a name; the second gets a suffix derived from its query.
  let slug = slugify(name);
  if (await topicBySlug(db, slug))
    slug = `${slug.slice(0, 52)}-${createHash("sha256").update(key).digest("hex").slice(0, 6)}`;
  const inserted = await insertTopic(db, {
    slug,
    name,
    query,
    mode,
    queryKey: key,
    featured: input.featured ?? false,
    createdBy: input.createdBy ?? null,
  });
  // Lost a race with an identical save: the other one's topic is ours too.
  const topic = inserted ?? (await topicByQueryKey(db, key));
  if (!topic) return { ok: false, error: "Could not save the topic; try again." };
  return { ok: true, topic, created: !!inserted };
}
