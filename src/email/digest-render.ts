import type { Paper } from "../papers/types.ts";
import { totalUpvotes } from "../papers/types.ts";
import { shortAuthors, snippet } from "../render/format.ts";
import { html, type SafeHtml } from "../render/html.ts";
import type { DigestContent } from "./digest-content.ts";

export interface DigestLinks {
  baseUrl: string;
  unsubscribeUrl: string;
  manageUrl: string;
}

export interface RenderedDigest {
  subject: string;
  html: string;
  text: string;
}

// Mail clients drop <style> blocks and external CSS, so every style is inline and the layout is
// tables: this renders the same in Gmail, Outlook and Apple Mail.
const FONT = "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif";
const S = {
  body: `margin:0;padding:0;background:#f4f4f5;${FONT}`,
  card: "background:#ffffff;border-radius:8px;border:1px solid #e4e4e7",
  h1: `margin:0;font-size:22px;color:#18181b;${FONT}`,
  h2: `margin:24px 0 8px;font-size:17px;color:#18181b;${FONT}`,
  title: "font-size:16px;font-weight:600;color:#1d4ed8;text-decoration:none",
  meta: "font-size:13px;color:#52525b;margin:4px 0",
  abstract: "font-size:14px;color:#3f3f46;line-height:1.45;margin:6px 0",
  link: "font-size:13px;color:#1d4ed8;text-decoration:none",
  votes: "font-size:13px;font-weight:600;color:#b45309;white-space:nowrap",
  footer: `font-size:12px;color:#71717a;${FONT}`,
  why: "font-size:12px;color:#6d28d9;margin:0",
};

const dayFmt = new Intl.DateTimeFormat("en-US", {
  weekday: "short",
  month: "short",
  day: "numeric",
  timeZone: "UTC",
});

function digestSubject(d: DigestContent): string {
  const when = dayFmt.format(d.windowEnd);
  return d.frequency === "weekly" ? `Your weekly papers · week to ${when}` : `Trending papers · ${when}`;
}

function paperLinks(p: Paper, base: string) {
  return {
    page: `${base}/papers/${p.arxivId}`,
    abs: `https://arxiv.org/abs/${p.arxivId}`,
    pdf: `https://arxiv.org/pdf/${p.arxivId}`,
  };
}

// Thousands of digests share the same papers (the same objects, from DigestSources), so each
// paper's block is rendered once per base URL, not once per mail.
const htmlBlocks = new WeakMap<Paper, Map<string, SafeHtml>>();
const textBlocks = new WeakMap<Paper, Map<string, string>>();

function memo<T>(cache: WeakMap<Paper, Map<string, T>>, p: Paper, base: string, make: () => T): T {
  const byBase = cache.get(p) ?? new Map<string, T>();
  cache.set(p, byBase);
  const hit = byBase.get(base);
  if (hit !== undefined) return hit;
  const made = make();
  byBase.set(base, made);
  return made;
}

function paperHtml(p: Paper, base: string, divider = true): SafeHtml {
  return memo(htmlBlocks, p, divider ? base : `${base} (under a reason)`, () =>
    paperHtmlUncached(p, base, divider),
  );
}

/** `divider`: the rule above the paper; a paper under its reason has it above the reason instead. */
function paperHtmlUncached(p: Paper, base: string, divider: boolean): SafeHtml {
  const l = paperLinks(p, base);
  return html`<tr><td style="${divider ? "padding:12px 0;border-top:1px solid #f4f4f5" : "padding:4px 0 12px"}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr>
<td valign="top" style="padding-right:12px"><a href="${l.page}" style="${S.title}">${p.title}</a>
<p style="${S.meta}">${shortAuthors(p.authors)}</p>
<p style="${S.abstract}">${snippet(p.abstract, 280)}</p>
<p style="margin:4px 0"><a href="${l.page}" style="${S.link}">Paper page</a> · <a href="${l.abs}" style="${S.link}">arXiv</a> · <a href="${l.pdf}" style="${S.link}">PDF</a></p></td>
<td valign="top" align="right" width="56" style="${S.votes}">▲ ${totalUpvotes(p)}</td>
</tr></table></td></tr>`;
}

function sectionHtml(
  title: SafeHtml | string,
  papers: Paper[],
  base: string,
  why?: Record<string, string>,
): SafeHtml {
  return html`<tr><td><h2 style="${S.h2}">${title}</h2></td></tr>${papers.map((p) =>
    why?.[p.arxivId]
      ? html`<tr><td style="padding-top:12px;border-top:1px solid #f4f4f5"><p style="${S.why}">${why[p.arxivId]}</p></td></tr>${paperHtml(p, base, false)}`
      : paperHtml(p, base),
  )}`;
}

function renderDigestHtml(d: DigestContent, links: DigestLinks): string {
  const base = links.baseUrl;
  const empty = d.trending.length === 0 && d.topics.length === 0 && d.forYou.length === 0;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${digestSubject(d)}</title></head>
<body style="${S.body}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="max-width:640px;width:100%;${S.card}"><tr><td style="padding:24px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0">
<tr><td><h1 style="${S.h1}">Daily Papers</h1><p style="${S.meta}">${digestSubject(d)}</p></td></tr>
${empty ? html`<tr><td><p style="${S.abstract}">Nothing new this time: no new papers matched what you follow. See you next time.</p></td></tr>` : ""}
${d.trending.length > 0 ? sectionHtml(d.frequency === "weekly" ? "Trending this week" : "Trending today", d.trending, base) : ""}
${d.topics.map((s) => sectionHtml(html`New in <a href="${base}/topics/${s.topic.slug}" style="color:#18181b">${s.topic.name}</a>`, s.papers, base))}
${d.forYou.length > 0 ? sectionHtml(html`<a href="${base}/for-you" style="color:#18181b">For you</a>`, d.forYou, base, d.forYouWhy) : ""}
</table></td></tr></table>
<table role="presentation" width="640" cellpadding="0" cellspacing="0" style="max-width:640px;width:100%"><tr><td style="padding:16px 8px;${S.footer}">
You receive this because you subscribed to Daily Papers digests.
<a href="${links.manageUrl}" style="color:#71717a">Manage topics and schedule</a> ·
<a href="${links.unsubscribeUrl}" style="color:#71717a">Unsubscribe</a> ·
<a href="${base}/" style="color:#71717a">Open Daily Papers</a>
</td></tr></table>
</td></tr></table>
</body></html>`.value;
}

function paperText(p: Paper, base: string): string {
  return memo(textBlocks, p, base, () => paperTextUncached(p, base));
}

function paperTextUncached(p: Paper, base: string): string {
  const l = paperLinks(p, base);
  return [
    `* ${p.title} (▲ ${totalUpvotes(p)})`,
    `  ${shortAuthors(p.authors)}`,
    `  ${snippet(p.abstract, 240)}`,
    `  Page: ${l.page}`,
    `  arXiv: ${l.abs} · PDF: ${l.pdf}`,
  ].join("\n");
}

function renderDigestText(d: DigestContent, links: DigestLinks): string {
  const base = links.baseUrl;
  const out = [`Daily Papers: ${digestSubject(d)}`, ""];
  const section = (title: string, papers: Paper[]) => {
    out.push(title, "=".repeat(title.length), "", ...papers.map((p) => `${paperText(p, base)}\n`));
  };
  if (d.trending.length === 0 && d.topics.length === 0 && d.forYou.length === 0)
    out.push("Nothing new this time: no new papers matched what you follow.", "");
  if (d.trending.length > 0)
    section(d.frequency === "weekly" ? "Trending this week" : "Trending today", d.trending);
  for (const s of d.topics) section(`New in ${s.topic.name} (${base}/topics/${s.topic.slug})`, s.papers);
  if (d.forYou.length > 0) {
    const title = `For you (${base}/for-you)`;
    out.push(title, "=".repeat(title.length), "");
    for (const p of d.forYou)
      out.push(
        ...(d.forYouWhy?.[p.arxivId] ? [`  ${d.forYouWhy[p.arxivId]}`] : []),
        `${paperText(p, base)}\n`,
      );
  }
  out.push(
    "--",
    `Manage topics and schedule: ${links.manageUrl}`,
    `Unsubscribe: ${links.unsubscribeUrl}`,
    "",
  );
  return out.join("\n");
}

export function renderDigest(d: DigestContent, links: DigestLinks): RenderedDigest {
  return { subject: digestSubject(d), html: renderDigestHtml(d, links), text: renderDigestText(d, links) };
}
