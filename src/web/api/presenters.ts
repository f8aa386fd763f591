import { createHash } from "node:crypto";
import type { FeedEntryInfo, Submitter } from "../../feed/types.ts";
import { type Paper, totalComments, totalUpvotes } from "../../papers/types.ts";
import type { HfDailyItem, HfPaper, HfPaperDetail, HfUser } from "./shapes.ts";

/**
 * JSON in the shapes of Hugging Face's papers API, so its clients (huggingface_hub's
 * `list_daily_papers`, `paper_info`, `list_papers`) work against Daily Papers unchanged.
 * Hugging Face keys things by Mongo ObjectIds; where we have no such id we derive a stable
 * 24-hex one from our own keys, so the same author or discussion keeps its id across calls.
 */
function stableObjectId(...parts: string[]): string {
  return createHash("sha1").update(parts.join("\u0000")).digest("hex").slice(0, 24);
}

/** Present in API responses as a path; callers add their base URL where they need one. */
function absoluteUrl(baseUrl: string, path: string): string {
  return `${baseUrl}${path}`;
}

function presentUser(s: Submitter, baseUrl: string): HfUser {
  return {
    _id: stableObjectId("user", String(s.id)),
    avatarUrl: s.avatarUrl ?? absoluteUrl(baseUrl, "/static/favicon.svg"),
    fullname: s.displayName || s.username,
    name: s.username,
    user: s.username,
    type: "user",
    isPro: false,
  };
}

function optional<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

export function presentPaper(paper: Paper, entry: FeedEntryInfo | null, baseUrl: string): HfPaper {
  return {
    id: paper.arxivId,
    authors: paper.authors.map((a, i) => ({
      _id: stableObjectId("author", paper.arxivId, String(i)),
      name: a.name,
      hidden: false,
    })),
    publishedAt: paper.publishedAt?.toISOString() ?? null,
    title: paper.title,
    summary: paper.abstract,
    upvotes: totalUpvotes(paper),
    discussionId: stableObjectId("discussion", paper.arxivId),
    submittedOnDailyAt: entry?.submittedAt.toISOString(),
    submittedOnDailyBy: entry?.submitter ? presentUser(entry.submitter, baseUrl) : undefined,
    githubRepo: optional(paper.githubRepo),
    githubStars: optional(paper.githubStars),
    projectPage: optional(paper.projectPage),
    ai_summary: optional(paper.aiSummary),
    ai_keywords: optional(paper.aiKeywords),
  };
}

export function presentPaperDetail(
  paper: Paper,
  entry: FeedEntryInfo | null,
  baseUrl: string,
): HfPaperDetail {
  return {
    ...presentPaper(paper, entry, baseUrl),
    numComments: totalComments(paper),
    updatedAt: paper.updatedAt?.toISOString() ?? null,
    version: paper.version,
    categories: paper.categories,
    primaryCategory: paper.primaryCategory,
    doi: paper.doi,
    journalRef: paper.journalRef,
    comments: paper.comments,
    license: paper.license,
    arxivUrl: `https://arxiv.org/abs/${paper.arxivId}`,
    pdfUrl: `https://arxiv.org/pdf/${paper.arxivId}`,
    url: absoluteUrl(baseUrl, `/papers/${paper.arxivId}`),
  };
}

/**
 * One item of /api/daily_papers (and, with highlights added by search, /api/papers/search).
 * Without a feed entry (a search hit that never made a feed) the item's publishedAt is the
 * paper's own date, as Hugging Face does for papers indexed but not submitted.
 */
export function presentDailyItem(paper: Paper, entry: FeedEntryInfo | null, baseUrl: string): HfDailyItem {
  const presented = presentPaper(paper, entry, baseUrl);
  return {
    paper: presented,
    publishedAt: entry?.submittedAt.toISOString() ?? presented.publishedAt ?? new Date(0).toISOString(),
    title: paper.title,
    summary: paper.abstract,
    thumbnail: absoluteUrl(baseUrl, `/papers/${paper.arxivId}/thumbnail.svg`),
    numComments: totalComments(paper),
    submittedBy: entry?.submitter ? presentUser(entry.submitter, baseUrl) : undefined,
    isAuthorParticipating: false,
  };
}
