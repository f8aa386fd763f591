import type { Queryable } from "../db/client.ts";

export const DEFAULT_WINDOW_DAYS = 7;

export function windowStart(now: Date, days = DEFAULT_WINDOW_DAYS): Date {
  const d = new Date(now.getTime() - days * 86_400_000);
  d.setUTCHours(0, 0, 0, 0);
  return d;
}

export interface ForYouWindow {
  /** Rank papers published since this moment. */
  since: Date;
  /** Set when the window was moved back: the newest paper's publication time it ends at. */
  endsAt: Date | null;
}

/**
 * The papers "for you" ranks: those of the last `days` days. An instance whose newest paper is
 * older than that (an archive, a laptop with only the shipped sample, a harvest that stopped)
 * would show an empty page to everyone, so the window then ends at the newest paper instead, as
 * trending does, and the page says which days it shows. The newest publication time comes from
 * the index on published_at, one row, so every request can ask.
 */
export async function forYouWindow(db: Queryable, now: Date, days: number): Promise<ForYouWindow> {
  const since = windowStart(now, days);
  const [row] = await db.query<{ t: Date | null }>("select max(published_at) as t from papers");
  const newest = row?.t ?? null;
  if (!newest || newest >= since) return { since, endsAt: null };
  return { since: windowStart(newest, days), endsAt: newest };
}
