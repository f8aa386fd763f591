import { authorPath } from "../../authors/names.ts";
import { periodContaining } from "../../feed/periods.ts";
import type { FeedEntryInfo } from "../../feed/types.ts";
import { arxivAbsUrl, arxivPdfUrl } from "../../papers/arxiv-id.ts";
import { type Paper, totalUpvotes } from "../../papers/types.ts";
import { html, type SafeHtml } from "../html.ts";
import { keywordChips } from "../summaries/section.ts";
import { periodPath } from "./feed-view.ts";
import { formatDay, submitterOrSource } from "./format.ts";
import { type CardContext, categoryChips, commentCount, renderVoteControl } from "./paper-card.ts";
import { texHtml } from "./tex.ts";

export interface PaperViewInput {
  paper: Paper;
  entries: FeedEntryInfo[];
  cards: CardContext;
  main: SafeHtml[];
  side: SafeHtml[];
}

/** Abstracts come with hard line breaks; keep the paragraphs, fold the rest. */
export function abstractParagraphs(text: string): string[] {
  return text
    .split(/\n\s*\n|\n(?=\s{2,})/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter((p) => p.length > 0);
}

function authorLinks(paper: Paper): SafeHtml {
  return html`<ul class="author-list" aria-label="Authors">${paper.authors.map(
    (a) =>
      html`<li><a href="${authorPath(a.name)}">${a.name}</a>${a.affiliation ? html` <span class="affiliation">(${a.affiliation})</span>` : ""}</li>`,
  )}</ul>`;
}

function externalLinks(paper: Paper): SafeHtml {
  return html`<div class="link-row">
    <a href="${arxivAbsUrl(paper.arxivId)}" rel="noopener">arXiv page</a>
    <a href="${arxivPdfUrl(paper.arxivId)}" rel="noopener">PDF</a>
    ${paper.githubRepo ? html`<a href="${paper.githubRepo}" rel="noopener nofollow">GitHub${paper.githubStars !== null ? html` <span class="stars">★ ${paper.githubStars}</span>` : ""}</a>` : ""}
    ${paper.projectPage ? html`<a href="${paper.projectPage}" rel="noopener nofollow">Project page</a>` : ""}
    <a href="/papers/${paper.arxivId}.md" type="text/markdown">Markdown</a>
  </div>`;
}

function submissions(entries: FeedEntryInfo[]): SafeHtml {
  if (entries.length === 0) return html`<p class="muted">Not on the daily feed yet.</p>`;
  return html`<ul class="submissions">${entries.map(
    (e) => html`<li><strong>${submitterOrSource(e)}</strong>
      on <a href="${periodPath(periodContaining("day", e.feedDate))}">${formatDay(e.feedDate)}</a></li>`,
  )}</ul>`;
}

function versionList(paper: Paper): SafeHtml {
  if (paper.versions.length === 0) return html``;
  return html`<dt>Versions</dt><dd><ol class="versions">${paper.versions.map((v) => {
    const when = new Date(v.createdAt);
    return html`<li>v${v.version}: ${Number.isNaN(when.getTime()) ? v.createdAt : formatDay(when)}</li>`;
  })}</ol></dd>`;
}

function facts(paper: Paper): SafeHtml {
  const fact = (label: string, value: SafeHtml | string | null | undefined) =>
    value ? html`<dt>${label}</dt><dd>${value}</dd>` : "";
  return html`<dl class="facts">
    ${fact("arXiv id", `${paper.arxivId}${paper.version ? `v${paper.version}` : ""}`)}
    ${fact("Published", paper.publishedAt ? formatDay(paper.publishedAt) : null)}
    ${fact("Updated", paper.updatedAt ? formatDay(paper.updatedAt) : null)}
    ${versionList(paper)}
    ${fact("Primary", paper.primaryCategory)}
    ${fact("DOI", paper.doi ? html`<a href="https://doi.org/${paper.doi}" rel="noopener">${paper.doi}</a>` : null)}
    ${fact("Journal", paper.journalRef)}
    ${fact("Comments", paper.comments ? texHtml(paper.comments) : null)}
    ${fact("Report no.", paper.reportNo)}
    ${fact("Licence", paper.license ? (/^https?:\/\//.test(paper.license) ? html`<a href="${paper.license}" rel="noopener license">${paper.license.replace(/^https?:\/\//, "")}</a>` : paper.license) : null)}
  </dl>`;
}

export function paperView(v: PaperViewInput): SafeHtml {
  const { paper, entries } = v;
  const first = entries[0];
  const upvotes = totalUpvotes(paper);
  const comments = commentCount(paper);
  return html`<article class="paper-page">
    <div class="paper-main">
      <p class="paper-dates">
        ${paper.publishedAt ? html`Published on ${formatDay(paper.publishedAt)}` : ""}
        ${first ? html` · Submitted by <strong>${submitterOrSource(first)}</strong> on ${formatDay(first.feedDate)}` : ""}
      </p>
      <div class="paper-title-row">
        ${renderVoteControl(paper, v.cards)}
        <h1>${texHtml(paper.title)}</h1>
      </div>
      ${authorLinks(paper)}
      ${categoryChips(paper.categories)}
      ${externalLinks(paper)}
      <section class="abstract" aria-labelledby="abstract-h">
        <h2 id="abstract-h">Abstract</h2>
        ${abstractParagraphs(paper.abstract).map((p) => html`<p>${texHtml(p)}</p>`)}
      </section>
      ${
        paper.aiSummary
          ? html`<section class="ai-summary" aria-labelledby="ai-h">
        <h2 id="ai-h">AI-generated summary</h2>
        <p>${paper.aiSummary}</p>
        ${keywordChips(paper.aiKeywords ?? [])}
      </section>`
          : ""
      }
      ${v.main}
    </div>
    <section class="paper-side" aria-label="About this paper">
      <section class="side-box stats">
        <div><span class="big">${upvotes}</span> upvote${upvotes === 1 ? "" : "s"}</div>
        <div><a href="#discussion"><span class="big">${comments}</span> comment${comments === 1 ? "" : "s"}</a></div>
      </section>
      <section class="side-box"><h2>Submitted</h2>${submissions(entries)}</section>
      <section class="side-box"><h2>Details</h2>${facts(paper)}</section>
      ${v.side}
    </section>
  </article>`;
}
