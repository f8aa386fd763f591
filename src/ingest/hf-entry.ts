import { z } from "zod";
import type { FeedEntryInput } from "../feed/store.ts";
import { parseArxivId } from "../papers/arxiv-id.ts";
import type { PaperInput } from "../papers/types.ts";
import type { ImportedUser } from "../users/store.ts";
import { parsePythonLiteral } from "./python-literal.ts";
import { cleanTitle, dateOrNull, unwrapAbstract } from "./text.ts";
import { describeIssue } from "./validation.ts";

/** Only the fields Daily Papers uses; the API sends many more, which are ignored. */
const HfUser = z.object({
  name: z.string().nullish(),
  // submittedOnDailyBy names the account "user" in some responses, "name" in others
  user: z.string().nullish(),
  fullname: z.string().nullish(),
  avatarUrl: z.string().nullish(),
});
type HfUser = z.infer<typeof HfUser>;

const HfPaper = z.object({
  id: z.string(),
  title: z.string(),
  summary: z.string().nullish(),
  authors: z.array(z.object({ name: z.string(), hidden: z.boolean().nullish() })),
  publishedAt: z.string().nullish(),
  upvotes: z.number().int().nonnegative().nullish(),
  submittedOnDailyAt: z.string().nullish(),
  submittedOnDailyBy: HfUser.nullish(),
  githubRepo: z.string().nullish(),
  githubStars: z.number().int().nonnegative().nullish(),
  projectPage: z.string().nullish(),
  ai_summary: z.string().nullish(),
  ai_keywords: z.array(z.string()).nullish(),
});

const HfEntry = z.object({
  paper: HfPaper,
  publishedAt: z.string().nullish(),
  summary: z.string().nullish(),
  numComments: z.number().int().nonnegative().nullish(),
  submittedBy: HfUser.nullish(),
});
type HfEntry = z.infer<typeof HfEntry>;

/** One entry, ready to store: the feed entry's submitter is referred to by username. */
export interface HfItem {
  paper: PaperInput;
  feed: Omit<FeedEntryInput, "submittedBy"> & { submitter: string | null };
  user: ImportedUser | null;
}

export type HfResult = { ok: true; item: HfItem } | { ok: false; reason: string };

const HF_BASE = "https://huggingface.co";
// HF account names: letters, digits, "-", "_" and "."; anything else is not a name we can link.
const HF_USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/** Only http(s) links are kept: anything else (javascript:, data:) must never reach an href. */
export function httpUrl(value: string | null | undefined, base?: string): string | null {
  const v = value?.trim();
  if (!v) return null;
  try {
    const url = base ? new URL(v, base) : new URL(v);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : null;
  } catch {
    return null;
  }
}

function importedUser(u: HfUser | null | undefined): ImportedUser | null {
  const username = (u?.name ?? u?.user ?? "").trim();
  if (!u || !HF_USERNAME.test(username)) return null;
  return {
    username,
    displayName: u.fullname?.trim() || null,
    avatarUrl: httpUrl(u.avatarUrl, HF_BASE),
  };
}

/**
 * Maps one entry of a daily_papers response (an object, or the Python repr() string some
 * collected files hold) to a paper, its feed entry on `feedDate` and its submitter. Without a
 * `feedDate` the entry's own publishedAt day is used.
 */
export function itemFromHfEntry(raw: unknown, feedDate: string | null): HfResult {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = parsePythonLiteral(raw);
    } catch (err) {
      return { ok: false, reason: `invalid Python literal (${(err as Error).message})` };
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return { ok: false, reason: "an entry must be an object" };
  const parsed = HfEntry.safeParse(value);
  if (!parsed.success) return { ok: false, reason: describeIssue(parsed.error, value) };
  return itemFromEntry(parsed.data, feedDate);
}

function itemFromEntry(e: HfEntry, feedDate: string | null): HfResult {
  const p = e.paper;
  const id = parseArxivId(p.id);
  if (!id || id.id !== p.id.trim()) return { ok: false, reason: `impossible arXiv id "${p.id}"` };
  const title = cleanTitle(p.title);
  if (title === "") return { ok: false, reason: "empty paper.title" };
  const entryAt = dateOrNull(e.publishedAt);
  const day = feedDate ?? entryAt?.toISOString().slice(0, 10) ?? null;
  if (!day) return { ok: false, reason: "no feed day: the file name has no date and publishedAt is missing" };
  const submittedAt = dateOrNull(p.submittedOnDailyAt) ?? entryAt ?? new Date(`${day}T00:00:00Z`);
  const user = importedUser(e.submittedBy ?? p.submittedOnDailyBy);
  const upvotes = p.upvotes ?? 0;
  return {
    ok: true,
    item: {
      paper: {
        arxivId: id.id,
        title,
        abstract: unwrapAbstract(p.summary ?? e.summary ?? ""),
        authors: p.authors
          .map((a) => ({ name: a.name.replace(/\s+/g, " ").trim() }))
          .filter((a) => a.name !== ""),
        publishedAt: dateOrNull(p.publishedAt),
        githubRepo: httpUrl(p.githubRepo),
        githubStars: p.githubStars ?? null,
        projectPage: httpUrl(p.projectPage),
        aiSummary: p.ai_summary?.trim() || null,
        aiKeywords: p.ai_keywords && p.ai_keywords.length > 0 ? p.ai_keywords : null,
        importedUpvotes: upvotes,
        importedComments: e.numComments ?? 0,
        source: "hf-daily",
      },
      feed: {
        arxivId: id.id,
        feedDate: day,
        submittedAt,
        importedUpvotes: upvotes,
        origin: "hf",
        submitter: user?.username ?? null,
      },
      user,
    },
  };
}
