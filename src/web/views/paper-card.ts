import type { FastifyRequest } from "fastify";
import type { Db } from "../../db/client.ts";
import type { FeedEntryInfo } from "../../feed/types.ts";
import { type Paper, totalUpvotes } from "../../papers/types.ts";
import { shortAuthorLinks } from "../authors/links.ts";
import { html, type SafeHtml } from "../html.ts";
import type { FeedView, PageContext, Theme } from "../layout.ts";
import { snippet, submittedLabel } from "./format.ts";
import { texHtml } from "./tex.ts";

/** What a vote control knows when it renders one paper. */
interface VoteContext {
  page: PageContext;
  /** The signed-in user has upvoted this paper. */
  upvoted: boolean;
}
export type VoteControl = (paper: Paper, ctx: VoteContext) => SafeHtml;
/** Which of these papers the requester has upvoted; called once per rendered list. */
export type UpvotedLookup = (db: Db, req: FastifyRequest, arxivIds: string[]) => Promise<Set<string>>;

/** How cards show votes: the accounts capability renders an upvote form in place of the bare count. */
export interface VoteParts {
  control: VoteControl;
  upvoted?: UpvotedLookup;
}

/**
 * Buttons a capability puts under every card for a signed-in reader (the library's Save and Not
 * interested): called once per rendered list (one lookup of the reader's state), it returns
 * what draws one card's buttons.
 */
export type CardActions = (
  db: Db,
  req: FastifyRequest,
  page: PageContext,
  papers: Paper[],
) => Promise<(paper: Paper) => SafeHtml>;

/** Per-request state shared by every card of a list. Build it with `cardContext`. */
export interface CardContext {
  page: PageContext;
  upvoted: Set<string>;
  vote: VoteControl;
  /** The buttons under each card, for a signed-in reader; none for anyone else. */
  actions: ((paper: Paper) => SafeHtml) | null;
}

function voteCount(paper: Paper): SafeHtml {
  const n = totalUpvotes(paper);
  return html`<div class="votes" title="${n} upvote${n === 1 ? "" : "s"}">
    <span class="arrow" aria-hidden="true">▲</span><span class="count">${n}</span><span class="sr-only"> upvotes</span>
  </div>`;
}

export function renderVoteControl(paper: Paper, ctx: CardContext): SafeHtml {
  return ctx.vote(paper, { page: ctx.page, upvoted: ctx.upvoted.has(paper.arxivId) });
}

export async function cardContext(
  db: Db,
  req: FastifyRequest,
  page: PageContext,
  papers: Paper[],
): Promise<CardContext> {
  // The app's page parts (page-parts.ts) say how votes render; an app without them shows counts.
  const votes: VoteParts | undefined = req.server.pageParts?.votes;
  const upvoted =
    votes?.upvoted && page.user && papers.length > 0
      ? await votes.upvoted(
          db,
          req,
          papers.map((p) => p.arxivId),
        )
      : new Set<string>();
  const forList: CardActions | undefined = req.server.pageParts?.cardActions;
  const actions = forList && page.user ? await forList(db, req, page, papers) : null;
  return { page, upvoted, vote: votes?.control ?? voteCount, actions };
}

export interface CardOptions {
  ctx: CardContext;
  /** The feed entry this card stands for: shows who submitted the paper and when. */
  entry?: FeedEntryInfo | null;
  /** Search results pass the title and abstract with matched terms marked. */
  highlightedTitle?: SafeHtml;
  highlightedAbstract?: SafeHtml;
  /** Show the start of the abstract (default true). */
  showAbstract?: boolean;
  /** Why a recommendation or similar paper is shown ("Similar to …", "Because you follow …"). */
  why?: string;
  /** Position in the list, shown as a rank number on trending. */
  rank?: number;
  /** What goes under the card instead of the context's buttons (Save, Not interested). */
  actions?: SafeHtml;
}

/** Hugging Face's own discussion count, as a link: it is not what this site shows. */
export function hfCommentsLink(arxivId: string, n: number): SafeHtml {
  return html`<a href="https://huggingface.co/papers/${arxivId}#community" rel="noopener">${n} on Hugging Face</a>`;
}

/** The comments this site shows (live, visible ones); never the imported count. */
export function commentCount(paper: Paper): number {
  return paper.localComments;
}

export interface ListOptions {
  label?: string;
  /** grid: cards with a thumbnail; list: one compact row each; detailed: with the abstract. */
  view?: FeedView | "detailed";
}

/**
 * The title card in the page's theme: the remembered one, or, when the visitor follows the
 * system, both, chosen by the media query (an image cannot see the page's colour scheme).
 */
function thumbnail(href: string, theme: Theme | undefined): SafeHtml {
  const img = (t: Theme) =>
    html`<img src="${href}/thumbnail.svg${t === "dark" ? "?theme=dark" : ""}" alt="" loading="lazy" decoding="async" width="1200" height="630">`;
  if (theme) return img(theme);
  return html`<picture><source srcset="${href}/thumbnail.svg?theme=dark" media="(prefers-color-scheme: dark)">${img("light")}</picture>`;
}

export function paperCard(paper: Paper, opts: CardOptions & { level?: 2 | 3 }): SafeHtml {
  const href = `/papers/${paper.arxivId}`;
  const comments = commentCount(paper);
  const abstract =
    opts.highlightedAbstract ?? (opts.showAbstract === false ? null : texHtml(snippet(paper.abstract, 280)));
  const title = html`${opts.rank ? html`<span class="rank">#${opts.rank}</span> ` : ""}<a href="${href}">${opts.highlightedTitle ?? texHtml(paper.title)}</a>`;
  return html`<li class="paper-card" data-arxiv-id="${paper.arxivId}">
    <a class="thumb" href="${href}" tabindex="-1" aria-hidden="true">${thumbnail(href, opts.ctx.page.prefs?.theme)}</a>
    ${renderVoteControl(paper, opts.ctx)}
    <div class="paper-body">
      ${opts.why ? html`<p class="why">${opts.why}</p>` : ""}
      ${opts.level === 3 ? html`<h3>${title}</h3>` : html`<h2>${title}</h2>`}
      <p class="authors">${shortAuthorLinks(paper.authors)}</p>
      ${abstract ? html`<p class="abstract-snippet">${abstract}</p>` : ""}
      <div class="meta">
        <span>arXiv ${paper.arxivId}</span>
        ${opts.entry ? html`<span class="submitted">${submittedLabel(opts.entry)}</span>` : ""}
        <a href="${href}#discussion" class="comment-count">${comments} comment${comments === 1 ? "" : "s"}</a>
        ${paper.githubRepo ? html`<span class="stars" title="GitHub stars">★ ${paper.githubStars ?? 0}</span>` : ""}
      </div>
      ${categoryChips(paper.categories)}
      ${opts.actions ?? opts.ctx.actions?.(paper) ?? ""}
    </div>
  </li>`;
}

export function categoryChips(categories: string[]): SafeHtml {
  if (categories.length === 0) return html``;
  return html`<div class="chips">${categories.map(
    (c) => html`<a class="chip" href="/search?q=${encodeURIComponent(`category:${c}`)}">${c}</a>`,
  )}</div>`;
}

export function paperList(cards: SafeHtml[], opts: ListOptions | string = {}): SafeHtml {
  const o = typeof opts === "string" ? { label: opts } : opts;
  return html`<ol class="paper-list view-${o.view ?? "detailed"}" aria-label="${o.label ?? "Papers"}">${cards}</ol>`;
}
