import type { Queryable } from "../db/client.ts";
import type { TopicMode } from "../topics/store.ts";
import type { PositiveKind } from "./types.ts";

/** All SQL of "for you": a person's signals, what they have already seen, onboarding, topics. */

export interface SignalRow {
  arxivId: string;
  kind: PositiveKind;
  at: Date;
}

/** Upvotes, saves and collection entries, newest first; a paper counts once, by its latest signal. */
export async function positiveSignalRows(db: Queryable, userId: number, limit: number): Promise<SignalRow[]> {
  const rows = await db.query<{ arxiv_id: string; kind: PositiveKind; at: Date }>(
    `select distinct on (arxiv_id) arxiv_id, kind, at from (
       select arxiv_id, 'saved' as kind, created_at as at from saves where user_id = $1
       union all select arxiv_id, 'upvoted', created_at from upvotes where user_id = $1
       union all select cp.arxiv_id, 'collected', cp.added_at from collection_papers cp
         join collections c on c.id = cp.collection_id where c.user_id = $1
     ) s order by arxiv_id, at desc`,
    [userId],
  );
  return rows
    .map((r) => ({ arxivId: r.arxiv_id, kind: r.kind, at: r.at }))
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.arxivId < b.arxivId ? -1 : 1))
    .slice(0, limit);
}

/** The person's signal version: it moves with every change to their signals (migration 0210). */
export async function signalVersion(db: Queryable, userId: number): Promise<string> {
  return (await recommendState(db, userId)).version;
}

/** A person's signal version and the papers never to recommend them again. */
export interface RecommendState {
  version: string;
  seen: Set<string>;
}

/**
 * In one round trip: the person's signal version, and every paper never to recommend again
 * (upvoted, saved, collected, dismissed or shown in a digest).
 */
export async function recommendState(db: Queryable, userId: number): Promise<RecommendState> {
  return (await recommendStates(db, [userId])).get(userId) as RecommendState;
}

/** Every paper person `u.id` is never to be recommended again, as an array (a subquery). */
const SEEN = `array(select arxiv_id from saves where user_id = u.id
  union select arxiv_id from upvotes where user_id = u.id
  union select arxiv_id from dismissals where user_id = u.id
  union select unnest(arxiv_ids) from digest_shown_sets where user_id = u.id
  union select cp.arxiv_id from collection_papers cp join collections c on c.id = cp.collection_id
    where c.user_id = u.id)`;

/** recommendState for many people in one query (a digest worker's batch). */
export async function recommendStates(
  db: Queryable,
  userIds: number[],
): Promise<Map<number, RecommendState>> {
  const rows = await db.query<{ user_id: number; version: string; seen: string[] }>(
    `select u.id as user_id, coalesce(v.version, 0)::text as version, ${SEEN} as seen
     from unnest($1::int[]) as u(id) left join recommend_signal_versions v on v.user_id = u.id`,
    [userIds],
  );
  return new Map(rows.map((r) => [r.user_id, { version: r.version, seen: new Set(r.seen) }]));
}

/** A person's state with their stored model, when one was trained at their current version. */
export interface RecommendStateWithModel extends RecommendState {
  model: Uint8Array | null;
  /** The active embedding model (id and dimensions), or null: what CandidatePools.get asks for. */
  activeModel: ActiveModel | null;
}

/** The active embedding model, as far as a candidate pool cares. */
export interface ActiveModel {
  id: number;
  dims: number;
}

/**
 * recommendState, storedModelAt and the active embedding model in one round trip (a view of "for
 * you"): the model only when it was trained at the person's current version, and not when that
 * version is `unlessVersion` (the ranking kept in memory is still good, so the bytes would be
 * read for nothing).
 */
export async function recommendStateWithModel(
  db: Queryable,
  userId: number,
  unlessVersion: string | null,
): Promise<RecommendStateWithModel> {
  // The model as base64, as storedModels reads it: half the text of bytea's hex.
  const [row] = await db.query<{
    version: string;
    seen: string[];
    model: string | null;
    active: [number, number] | null;
  }>(
    `select coalesce(v.version, 0)::text as version, ${SEEN} as seen,
       (select encode(m.model, 'base64') from recommend_models m where m.user_id = u.id
          and m.signal_version = coalesce(v.version, 0)
          and coalesce(v.version, 0)::text is distinct from $2::text) as model,
       (select array[e.id, e.dims] from embedding_models e where e.status = 'active') as active
     from (select $1::int as id) u left join recommend_signal_versions v on v.user_id = u.id`,
    [userId, unlessVersion],
  );
  return {
    version: row.version,
    seen: new Set(row.seen),
    model: row.model === null ? null : Buffer.from(row.model, "base64"),
    activeModel: row.active === null ? null : { id: Number(row.active[0]), dims: Number(row.active[1]) },
  };
}

/** The person's stored model (recommend/model.ts's bytes), when it was trained at `version`. */
export async function storedModelAt(
  db: Queryable,
  userId: number,
  version: string,
): Promise<Uint8Array | null> {
  const [row] = await db.query<{ model: Uint8Array }>(
    "select model from recommend_models where user_id = $1 and signal_version = $2::bigint",
    [userId, version],
  );
  return row?.model ?? null;
}

/**
 * Many people's stored models in one query (a digest worker's batch), with the signal version
 * each was trained at: a caller uses one only while it is still the person's version.
 */
export async function storedModels(
  db: Queryable,
  userIds: number[],
): Promise<Map<number, { version: string; model: Uint8Array }>> {
  // As base64 text: a bytea arrives as hex, twice its bytes, which PGlite's protocol parser and
  // the garbage collector paid for (a scratch read of 400 models of 38 kB: 0.18 against 0.3 to
  // 0.55 ms a model); Node's base64 decoder is native.
  const rows = await db.query<{ user_id: number; version: string; model: string }>(
    `select user_id, signal_version::text as version, encode(model, 'base64') as model
     from recommend_models where user_id = any($1::int[])`,
    [userIds],
  );
  return new Map(rows.map((r) => [r.user_id, { version: r.version, model: Buffer.from(r.model, "base64") }]));
}

/** Stores a trained model; an older training finishing late never replaces a newer one. */
export async function storeModel(
  db: Queryable,
  userId: number,
  version: string,
  model: Uint8Array,
  at: Date,
): Promise<void> {
  await db.query(
    `insert into recommend_models (user_id, signal_version, trained_at, model) values ($1, $2::bigint, $3, $4)
     on conflict (user_id) do update set signal_version = excluded.signal_version,
       trained_at = excluded.trained_at, model = excluded.model
     where recommend_models.signal_version <= excluded.signal_version`,
    [userId, version, at, model],
  );
}

/** People whose signals moved since their model was trained (or who have none yet), oldest change first. */
export async function peopleWithStaleModels(db: Queryable, limit: number): Promise<number[]> {
  // A model of an older format is not looked for here (that reads every model in full): the
  // migration that raises the format deletes the old ones (0320).
  const rows = await db.query<{ user_id: number }>(
    `select v.user_id from recommend_signal_versions v
     left join recommend_models m on m.user_id = v.user_id
     where m.user_id is null or m.signal_version < v.version
     order by v.user_id limit $1`,
    [limit],
  );
  return rows.map((r) => r.user_id);
}

/**
 * What many digests showed, in one statement (a digest worker's batch): one row per digest with
 * its papers (migration 0270), where a row per paper, each with its foreign keys' checks, was
 * the largest part of the database time the "for you" sections added to a digest run.
 */
export async function recordDigestsShown(
  db: Queryable,
  shown: { userId: number; arxivIds: string[] }[],
  at: Date,
): Promise<void> {
  const kept = shown.filter((s) => s.arxivIds.length > 0);
  if (kept.length === 0) return;
  await db.query(
    `insert into digest_shown_sets (user_id, shown_at, arxiv_ids)
     select (d ->> 'u')::int, $2, array(select jsonb_array_elements_text(d -> 'ids'))
     from jsonb_array_elements($1::jsonb) as d`,
    [JSON.stringify(kept.map((s) => ({ u: s.userId, ids: s.arxivIds }))), at],
  );
}

/** The papers the person's digests have shown them (tests, and what "for you" leaves out). */
export async function digestShownIds(db: Queryable, userId: number): Promise<string[]> {
  const rows = await db.query<{ arxiv_id: string }>(
    `select distinct unnest(arxiv_ids) as arxiv_id from digest_shown_sets where user_id = $1 order by 1`,
    [userId],
  );
  return rows.map((r) => r.arxiv_id);
}

export interface FollowedTopicRow {
  id: number;
  slug: string;
  name: string;
  query: string;
  mode: TopicMode;
}

/** Topics followed on the site or in the person's digest. */
export async function topicsFollowedByUser(db: Queryable, userId: number): Promise<FollowedTopicRow[]> {
  return db.query<FollowedTopicRow>(
    `select t.id, t.slug, t.name, t.query, t.mode from topics t where t.id in (
       select topic_id from user_topics where user_id = $1
       union select st.topic_id from subscriber_topics st join subscribers s on s.id = st.subscriber_id
         where s.user_id = $1 and s.status = 'confirmed')
     order by t.name, t.id`,
    [userId],
  );
}

export async function userTopicSet(
  db: Queryable,
  userId: number,
  topicId: number,
  on: boolean,
): Promise<void> {
  if (on)
    await db.query("insert into user_topics (user_id, topic_id) values ($1, $2) on conflict do nothing", [
      userId,
      topicId,
    ]);
  else await db.query("delete from user_topics where user_id = $1 and topic_id = $2", [userId, topicId]);
}

export async function userTopicIds(db: Queryable, userId: number): Promise<Set<number>> {
  const rows = await db.query<{ topic_id: number }>("select topic_id from user_topics where user_id = $1", [
    userId,
  ]);
  return new Set(rows.map((r) => r.topic_id));
}

export async function onboardingDone(db: Queryable, userId: number): Promise<boolean> {
  return (await db.query("select 1 from foryou_onboarding where user_id = $1", [userId])).length > 0;
}

export async function markOnboarded(db: Queryable, userId: number): Promise<void> {
  await db.query("insert into foryou_onboarding (user_id) values ($1) on conflict do nothing", [userId]);
}

export interface CandidateRow {
  arxivId: string;
  title: string;
  abstract: string;
  authorNames: string[];
  vector: Uint8Array | null;
}

/**
 * Papers new since `since` (all papers when null) with the active model's vector, in keyset
 * pages by id, for the in-process candidate pool.
 */
export async function candidateRows(
  db: Queryable,
  modelId: number | null,
  since: Date | null,
  afterId: string,
  limit: number,
): Promise<CandidateRow[]> {
  const rows = await db.query<{
    arxiv_id: string;
    title: string;
    abstract: string;
    authors: { name: string }[];
    vector: Uint8Array | null;
  }>(
    `select p.arxiv_id, p.title, p.abstract, p.authors, e.vector from papers p
     left join paper_embeddings e on e.model_id = $1 and e.arxiv_id = p.arxiv_id
     where p.arxiv_id > $3 and ($2::timestamptz is null or coalesce(p.published_at, p.first_seen_at) >= $2)
     order by p.arxiv_id limit $4`,
    [modelId, since, afterId, limit],
  );
  return rows.map((r) => ({
    arxivId: r.arxiv_id,
    title: r.title,
    abstract: r.abstract,
    authorNames: r.authors.map((a) => a.name ?? ""),
    vector: r.vector,
  }));
}

/** What the pool needs to know whether it is stale: the newest paper change and vector. */
export async function candidateWatermark(db: Queryable, modelId: number | null): Promise<string> {
  const [row] = await db.query<{ m: Date | null; s: number | null }>(
    `select (select max(modified_at) from papers) as m,
       (select max(seq) from paper_embeddings where model_id = $1) as s`,
    [modelId],
  );
  return `${row.m?.toISOString() ?? ""}|${row.s ?? 0}`;
}
