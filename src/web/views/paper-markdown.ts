import type { FeedEntryInfo } from "../../feed/types.ts";
import { arxivAbsUrl, arxivPdfUrl } from "../../papers/arxiv-id.ts";
import { type Paper, totalUpvotes } from "../../papers/types.ts";
import { formatDay, submitterOrSource } from "./format.ts";
import { abstractParagraphs } from "./paper-view.ts";

/** Markdown syntax in titles and abstracts would otherwise turn into links or emphasis. */
function escapeMarkdown(s: string): string {
  return s.replace(/([\\`*_[\]<>#|])/g, "\\$1");
}

/** The paper as Markdown, as Hugging Face serves /papers/{id}.md: for LLM tools and readers. */
export function paperMarkdown(paper: Paper, entries: FeedEntryInfo[], pageUrl: string): string {
  const lines = [`# ${escapeMarkdown(paper.title)}`, ""];
  if (paper.authors.length)
    lines.push(`**Authors:** ${escapeMarkdown(paper.authors.map((a) => a.name).join(", "))}`, "");
  const facts: [string, string | null][] = [
    ["arXiv", `[${paper.arxivId}](${arxivAbsUrl(paper.arxivId)}) ([PDF](${arxivPdfUrl(paper.arxivId)}))`],
    ["Published", paper.publishedAt ? formatDay(paper.publishedAt) : null],
    ["Updated", paper.updatedAt ? formatDay(paper.updatedAt) : null],
    ["Categories", paper.categories.length ? paper.categories.join(", ") : null],
    [
      "Code",
      paper.githubRepo
        ? `<${paper.githubRepo}>${paper.githubStars !== null ? ` (${paper.githubStars} stars)` : ""}`
        : null,
    ],
    ["Project page", paper.projectPage ? `<${paper.projectPage}>` : null],
    ["DOI", paper.doi],
    ["Journal reference", paper.journalRef ? escapeMarkdown(paper.journalRef) : null],
    ["Comments", paper.comments ? escapeMarkdown(paper.comments) : null],
    ["Upvotes", String(totalUpvotes(paper))],
    ["Discussion", `${paper.localComments} comments at <${pageUrl}>`],
    [
      "Submitted",
      entries.length
        ? entries.map((e) => `${escapeMarkdown(submitterOrSource(e))} on ${e.feedDate}`).join("; ")
        : null,
    ],
  ];
  for (const [label, value] of facts) if (value) lines.push(`- **${label}:** ${value}`);
  lines.push(
    "",
    "## Abstract",
    "",
    ...abstractParagraphs(paper.abstract).flatMap((p) => [escapeMarkdown(p), ""]),
  );
  if (paper.aiSummary) {
    lines.push("## AI-generated summary", "", escapeMarkdown(paper.aiSummary), "");
    if (paper.aiKeywords?.length)
      lines.push(`**Keywords:** ${escapeMarkdown(paper.aiKeywords.join(", "))}`, "");
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
