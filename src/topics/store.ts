import type { Queryable } from "../db/client.ts";

export type TopicMode = "keyword" | "semantic" | "hybrid";

export interface Topic {
  id: number;
  slug: string;
  name: string;
  query: string;
  mode: TopicMode;
  featured: boolean;
  createdAt: Date;
}

interface Row {
  id: number;
  slug: string;
  name: string;
  query: string;
  mode: TopicMode;
  featured: boolean;
  created_at: Date;
}

const COLUMNS = "id, slug, name, query, mode, featured, created_at";
const fromRow = (r: Row): Topic => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  query: r.query,
  mode: r.mode,
  featured: r.featured,
  createdAt: r.created_at,
});

export async function topicBySlug(db: Queryable, slug: string): Promise<Topic | null> {
  const rows = await db.query<Row>(`select ${COLUMNS} from topics where slug = $1`, [slug]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function topicById(db: Queryable, id: number): Promise<Topic | null> {
  const rows = await db.query<Row>(`select ${COLUMNS} from topics where id = $1`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function topicByQueryKey(db: Queryable, key: string): Promise<Topic | null> {
  const rows = await db.query<Row>(`select ${COLUMNS} from topics where query_key = $1`, [key]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function topicsFeatured(db: Queryable): Promise<Topic[]> {
  const rows = await db.query<Row>(`select ${COLUMNS} from topics where featured order by name`);
  return rows.map(fromRow);
}

export async function topicsList(db: Queryable): Promise<Topic[]> {
  const rows = await db.query<Row>(`select ${COLUMNS} from topics order by featured desc, name`);
  return rows.map(fromRow);
}

/** Inserts a topic; null when its slug or query key is taken. */
export async function insertTopic(
  db: Queryable,
  t: {
    slug: string;
    name: string;
    query: string;
    mode: TopicMode;
    queryKey: string;
    featured: boolean;
    createdBy: number | null;
  },
): Promise<Topic | null> {
  const rows = await db.query<Row>(
    `insert into topics (slug, name, query, mode, query_key, featured, created_by)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict do nothing
     returning ${COLUMNS}`,
    [t.slug, t.name, t.query, t.mode, t.queryKey, t.featured, t.createdBy],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function setTopicFeatured(db: Queryable, id: number, featured: boolean): Promise<void> {
  await db.query("update topics set featured = $2 where id = $1", [id, featured]);
}

export async function followTopic(db: Queryable, subscriberId: number, topicId: number): Promise<void> {
  await db.query(
    "insert into subscriber_topics (subscriber_id, topic_id) values ($1, $2) on conflict do nothing",
    [subscriberId, topicId],
  );
}

export async function unfollowTopic(db: Queryable, subscriberId: number, topicId: number): Promise<void> {
  await db.query("delete from subscriber_topics where subscriber_id = $1 and topic_id = $2", [
    subscriberId,
    topicId,
  ]);
}

export async function topicsFollowedBy(db: Queryable, subscriberId: number): Promise<Topic[]> {
  const rows = await db.query<Row>(
    `select ${COLUMNS.split(", ")
      .map((c) => `t.${c}`)
      .join(", ")}
     from subscriber_topics st join topics t on t.id = st.topic_id
     where st.subscriber_id = $1 order by st.created_at, t.id`,
    [subscriberId],
  );
  return rows.map(fromRow);
}

/** Followed topic ids for many subscribers at once (the digest worker renders in batches). */
export async function topicIdsFollowedBy(
  db: Queryable,
  subscriberIds: number[],
): Promise<Map<number, number[]>> {
  const rows = await db.query<{ subscriber_id: number; topic_id: number }>(
    `select subscriber_id, topic_id from subscriber_topics where subscriber_id = any($1::int[])
     order by subscriber_id, created_at, topic_id`,
    [subscriberIds],
  );
  const out = new Map<number, number[]>();
  for (const r of rows) out.set(r.subscriber_id, [...(out.get(r.subscriber_id) ?? []), r.topic_id]);
  return out;
}

/** Topics an account saved stay for their followers, without their author. */
export async function topicsDisownUser(db: Queryable, userId: number): Promise<void> {
  await db.query("update topics set created_by = null where created_by = $1", [userId]);
}
