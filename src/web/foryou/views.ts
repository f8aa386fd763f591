import type { ForYouItem, ForYouResult } from "../../recommend/service.ts";
import { html, type SafeHtml } from "../html.ts";
import { type CardContext, paperCard, paperList } from "../views/paper-card.ts";

/**
 * The cards, the close matches first; the weaker ones (below the person's model's line, there
 * only to fill the page, or like none of the person's papers: alike.ts) under their own heading,
 * so that their "Because you saved …" is not read as a close match.
 */
export function forYouCards(result: ForYouResult, cards: CardContext): SafeHtml {
  const card = (item: ForYouItem) =>
    paperCard(item.paper, {
      ctx: cards,
      why: item.why.join(" · "),
      actions: html`${interestLine(item)}${cards.actions?.(item.paper) ?? ""}`,
    });
  const close = result.items.filter((i) => !i.weak);
  const weak = result.items.filter((i) => i.weak);
  if (weak.length === 0) return paperList(close.map(card), "Recommended papers");
  return html`${close.length > 0 ? paperList(close.map(card), "Recommended papers") : ""}
    <section class="weaker-matches" aria-labelledby="weaker-matches">
      <h2 id="weaker-matches">Weaker matches</h2>
      <p class="muted">${close.length > 0 ? "Only the papers above are close to what you keep. " : "No new paper is close to what you keep yet. "}These are the nearest of the rest; your digest leaves them out.</p>
      ${paperList(weak.map(card), "Weaker matches")}
    </section>`;
}

function interestLine(item: ForYouItem): SafeHtml {
  return item.interest ? html`<p class="interest muted">Interest: ${item.interest}</p>` : html``;
}

/** The interests apart by "; ": a name may hold " · " itself ("Reinforcement Learning · Video"). */
export function interestSummary(result: ForYouResult): SafeHtml {
  if (result.interests.length === 0) return html``;
  return html`<p class="interests muted">Your interests: ${result.interests.map(
    (i, k) =>
      html`${k > 0 ? "; " : ""}<span class="interest-chip">${i.kind === "topic" ? "Your topic " : ""}${i.label}${i.kind === "papers" ? ` (${i.size} paper${i.size === 1 ? "" : "s"})` : i.kind === "author" ? " (followed author)" : ""}</span>`,
  )}</p>`;
}
