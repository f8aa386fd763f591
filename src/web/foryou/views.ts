import type { ForYouItem, ForYouResult } from "../../recommend/service.ts";
import { html, type SafeHtml } from "../html.ts";
import { type CardContext, paperCard, paperList } from "../views/paper-card.ts";

export function forYouCards(result: ForYouResult, cards: CardContext): SafeHtml {
  return paperList(
    result.items.map((item) =>
      paperCard(item.paper, {
        ctx: cards,
        why: item.why.join(" · "),
        actions: html`${interestLine(item)}${cards.actions?.(item.paper) ?? ""}`,
      }),
    ),
    "Recommended papers",
  );
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
