import type { Queryable } from "../db/client.ts";

export type SubscriberStatus = "pending" | "confirmed" | "unsubscribed" | "suspended";
export type Frequency = "daily" | "weekly";

export interface Subscriber {
  id: number;
  email: string;
  userId: number | null;
  status: SubscriberStatus;
  frequency: Frequency;
  sendHour: number;
  timeZone: string;
  weekdaysOnly: boolean;
  sendEmpty: boolean;
  bounceCount: number;
  confirmedAt: Date | null;
  lastConfirmationSentAt: Date | null;
  createdAt: Date;
}

export interface DeliverySettings {
  frequency: Frequency;
  sendHour: number;
  timeZone: string;
  weekdaysOnly: boolean;
  sendEmpty: boolean;
}

const COLUMNS = `id, email, user_id, status, frequency, send_hour, time_zone, weekdays_only, send_empty,
  bounce_count, confirmed_at, last_confirmation_sent_at, created_at`;

interface Row {
  id: number;
  email: string;
  user_id: number | null;
  status: SubscriberStatus;
  frequency: Frequency;
  send_hour: number;
  time_zone: string;
  weekdays_only: boolean;
  send_empty: boolean;
  bounce_count: number;
  confirmed_at: Date | null;
  last_confirmation_sent_at: Date | null;
  created_at: Date;
}

function fromRow(r: Row): Subscriber {
  return {
    id: r.id,
    email: r.email,
    userId: r.user_id,
    status: r.status,
    frequency: r.frequency,
    sendHour: r.send_hour,
    timeZone: r.time_zone,
    weekdaysOnly: r.weekdays_only,
    sendEmpty: r.send_empty,
    bounceCount: r.bounce_count,
    confirmedAt: r.confirmed_at,
    lastConfirmationSentAt: r.last_confirmation_sent_at,
    createdAt: r.created_at,
  };
}

export async function subscriberByEmail(db: Queryable, email: string): Promise<Subscriber | null> {
  const rows = await db.query<Row>(`select ${COLUMNS} from subscribers where lower(email) = lower($1)`, [
    email,
  ]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function subscriberById(db: Queryable, id: number): Promise<Subscriber | null> {
  const rows = await db.query<Row>(`select ${COLUMNS} from subscribers where id = $1`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

export async function subscriberByUser(db: Queryable, userId: number): Promise<Subscriber | null> {
  const rows = await db.query<Row>(`select ${COLUMNS} from subscribers where user_id = $1`, [userId]);
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Inserts a pending subscriber, or returns the existing row for that address unchanged. */
export async function ensureSubscriber(
  db: Queryable,
  email: string,
  opts: { userId?: number | null; confirmed?: boolean; now: Date },
): Promise<Subscriber> {
  const rows = await db.query<Row>(
    `insert into subscribers (email, user_id, status, confirmed_at, created_at)
     values ($1, $2, case when $3::boolean then 'confirmed' else 'pending' end,
             case when $3::boolean then $4::timestamptz end, $4)
     on conflict (lower(email)) do nothing
     returning ${COLUMNS}`,
    [email, opts.userId ?? null, opts.confirmed ?? false, opts.now],
  );
  if (rows[0]) return fromRow(rows[0]);
  const existing = await subscriberByEmail(db, email);
  if (!existing) throw new Error(`subscriber ${email} vanished`);
  return existing;
}

/**
 * Takes the right to send a confirmation mail to this address: true at most once per hour.
 * The check and the update are one statement, so two quick submissions cannot both win.
 */
export async function takeConfirmationSlot(db: Queryable, id: number, now: Date): Promise<boolean> {
  const rows = await db.query(
    `update subscribers set last_confirmation_sent_at = $2
     where id = $1 and (last_confirmation_sent_at is null or last_confirmation_sent_at <= $2::timestamptz - interval '1 hour')
     returning id`,
    [id, now],
  );
  return rows.length === 1;
}

export async function confirmSubscriber(db: Queryable, id: number, now: Date): Promise<void> {
  await db.query(
    `update subscribers set status = 'confirmed', confirmed_at = coalesce(confirmed_at, $2),
       unsubscribed_at = null, bounce_count = 0
     where id = $1 and status <> 'suspended'`,
    [id, now],
  );
}

export async function unsubscribeSubscriber(db: Queryable, id: number, now: Date): Promise<void> {
  await db.query(
    `update subscribers set status = 'unsubscribed', unsubscribed_at = $2 where id = $1 and status <> 'unsubscribed'`,
    [id, now],
  );
}

export async function deleteSubscriber(db: Queryable, id: number): Promise<void> {
  await db.query("delete from subscribers where id = $1", [id]);
}

export async function updateDeliverySettings(db: Queryable, id: number, s: DeliverySettings): Promise<void> {
  await db.query(
    `update subscribers set frequency = $2, send_hour = $3, time_zone = $4, weekdays_only = $5, send_empty = $6
     where id = $1`,
    [id, s.frequency, s.sendHour, s.timeZone, s.weekdaysOnly, s.sendEmpty],
  );
}

export async function linkSubscriberToUser(db: Queryable, id: number, userId: number): Promise<void> {
  await db.query("update subscribers set user_id = $2 where id = $1 and user_id is null", [id, userId]);
}

/** A permanent failure counts a bounce; the address is suspended once it reaches the limit. */
export async function recordBounce(db: Queryable, id: number, maxBounces: number, now: Date): Promise<void> {
  await db.query(
    `update subscribers set bounce_count = bounce_count + 1, last_bounce_at = $3,
       status = case when bounce_count + 1 >= $2 then 'suspended' else status end
     where id = $1`,
    [id, maxBounces, now],
  );
}

export async function clearBounces(db: Queryable, id: number): Promise<void> {
  await db.query("update subscribers set bounce_count = 0 where id = $1 and bounce_count > 0", [id]);
}

export async function subscribersList(
  db: Queryable,
  opts: { status?: SubscriberStatus; limit?: number } = {},
): Promise<Subscriber[]> {
  const rows = await db.query<Row>(
    `select ${COLUMNS} from subscribers where ($1::text is null or status = $1) order by id limit $2`,
    [opts.status ?? null, opts.limit ?? 10_000],
  );
  return rows.map(fromRow);
}

/** What the scheduler needs to decide who is due: confirmed subscribers only. */
export async function confirmedSubscriberSchedules(
  db: Queryable,
): Promise<Pick<Subscriber, "id" | "frequency" | "sendHour" | "timeZone" | "weekdaysOnly">[]> {
  const rows = await db.query<Row>(
    `select id, frequency, send_hour, time_zone, weekdays_only from subscribers where status = 'confirmed' order by id`,
  );
  return rows.map((r) => ({
    id: r.id,
    frequency: r.frequency,
    sendHour: r.send_hour,
    timeZone: r.time_zone,
    weekdaysOnly: r.weekdays_only,
  }));
}

export async function subscribersByIds(db: Queryable, ids: number[]): Promise<Map<number, Subscriber>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<Row>(`select ${COLUMNS} from subscribers where id = any($1::int[])`, [ids]);
  return new Map(rows.map((r) => [r.id, fromRow(r)]));
}

/** The subscription of an account goes with it. */
export async function subscribersDeleteForUser(db: Queryable, userId: number): Promise<void> {
  await db.query("delete from subscribers where user_id = $1", [userId]);
}

/** The digest keeps going to the address that confirmed it, no longer tied to the account. */
export async function subscribersDetachUser(db: Queryable, userId: number): Promise<void> {
  await db.query("update subscribers set user_id = null where user_id = $1", [userId]);
}
