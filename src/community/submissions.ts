import type { Db, Queryable } from "../db/client.ts";
import { feedEntryClaimBySubmitter } from "../feed/store.ts";
import { parseArxivId } from "../papers/arxiv-id.ts";
import { paperById, upsertPapers } from "../papers/store.ts";
import type { PaperInput } from "../papers/types.ts";
import type { SessionUser } from "../users/types.ts";

export interface SubmitRules {
  maxAgeDays: number;
  dailyLimit: number;
  /** Before a first submission: a verified email, or an account at least this old. */
  minAccountAgeHours: number;
}

export class SubmitError extends Error {
  constructor(
    message: string,
    /** Where the paper already is, for a duplicate. */
    readonly existing?: string,
  ) {
    super(message);
  }
}

export interface SubmitDeps {
  db: Db;
  now: () => Date;
  rules: SubmitRules;
  /** Looks a paper up on arXiv; null when arXiv does not know it. Throws when arXiv cannot be reached. */
  fetchPaper: (arxivId: string) => Promise<PaperInput | null>;
}

const DAY = 86_400_000;

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

async function submittedToday(db: Queryable, userId: number, today: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `select count(*)::int as n from feed_entries where submitted_by = $1 and feed_date = $2::date`,
    [userId, today],
  );
  return rows[0].n;
}

/** A feed entry someone submitted (or that was imported) for this paper, on any day. */
async function existingEntry(db: Queryable, arxivId: string): Promise<{ feed_date: string } | null> {
  const rows = await db.query<{ feed_date: string }>(
    `select feed_date from feed_entries where arxiv_id = $1 and (submitted_by is not null or origin <> 'arxiv')
      order by feed_date limit 1`,
    [arxivId],
  );
  return rows[0] ?? null;
}

async function submissionCheck(
  db: Queryable,
  user: SessionUser,
  rules: SubmitRules,
  now: Date,
): Promise<void> {
  const ageHours = (now.getTime() - new Date(user.createdAt).getTime()) / 3_600_000;
  if (!user.emailVerifiedAt && ageHours < rules.minAccountAgeHours) {
    throw new SubmitError(
      `Confirm your email address first (or wait until your account is ${rules.minAccountAgeHours} hours old) before submitting.`,
    );
  }
  if ((await submittedToday(db, user.id, utcDay(now))) >= rules.dailyLimit) {
    throw new SubmitError(`You can submit at most ${rules.dailyLimit} papers a day. Come back tomorrow.`);
  }
}

/**
 * Puts a paper on today's feed as submitted by this user. Metadata comes from the store, or
 * from arXiv before any write, so a failed fetch leaves nothing behind; the paper and the feed
 * entry are then written in one transaction.
 */
export async function submitPaper(
  deps: SubmitDeps,
  user: SessionUser,
  input: string,
): Promise<{ arxivId: string }> {
  const parsed = parseArxivId(input.trim());
  if (!parsed)
    throw new SubmitError(
      "That is not an arXiv id or URL (for example 2408.03361 or https://arxiv.org/abs/2408.03361).",
    );
  const arxivId = parsed.id;
  const now = deps.now();
  await submissionCheck(deps.db, user, deps.rules, now);
  const dup = await existingEntry(deps.db, arxivId);
  if (dup)
    throw new SubmitError(
      `This paper was already submitted (feed of ${dup.feed_date}).`,
      `/papers/${arxivId}`,
    );

  const stored = await paperById(deps.db, arxivId);
  const fetched = stored ? null : await deps.fetchPaper(arxivId);
  if (!stored && !fetched) throw new SubmitError(`arXiv has no paper ${arxivId}.`);
  const published = stored?.publishedAt ?? fetched?.publishedAt ?? null;
  if (published && now.getTime() - new Date(published).getTime() > deps.rules.maxAgeDays * DAY) {
    throw new SubmitError(
      `Only papers first published in the last ${deps.rules.maxAgeDays} days can be submitted.`,
    );
  }

  await deps.db.transaction(async (tx) => {
    // Serialises one user's submissions, so the daily limit holds under parallel requests.
    await tx.query(`select 1 from users where id = $1 for update`, [user.id]);
    if ((await submittedToday(tx, user.id, utcDay(now))) >= deps.rules.dailyLimit) {
      throw new SubmitError(
        `You can submit at most ${deps.rules.dailyLimit} papers a day. Come back tomorrow.`,
      );
    }
    if (fetched) await upsertPapers(tx, [fetched]);
    // An entry the arXiv listing made today is claimed by the submitter; anything else is a duplicate.
    const claimed = await feedEntryClaimBySubmitter(tx, arxivId, utcDay(now), user.id, now);
    if (!claimed) throw new SubmitError("This paper was already submitted today.", `/papers/${arxivId}`);
  });
  return { arxivId };
}

export interface Submission {
  arxivId: string;
  title: string;
  feedDate: string;
  hidden: boolean;
}

export async function submissionsByUser(db: Queryable, userId: number, limit = 50): Promise<Submission[]> {
  return db.query<Submission>(
    `select f.arxiv_id as "arxivId", p.title, f.feed_date as "feedDate", f.hidden_at is not null as hidden
       from feed_entries f join papers p on p.arxiv_id = f.arxiv_id
      where f.submitted_by = $1 order by f.feed_date desc, f.id desc limit $2`,
    [userId, limit],
  );
}
