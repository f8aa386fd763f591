import { paperSummary } from "../../summaries/store.ts";
import { html, type SafeHtml } from "../html.ts";
import type { PaperSection } from "../paper-sections.ts";

/** Keyword chips that search for themselves. */
export function keywordChips(keywords: string[]): SafeHtml {
  if (keywords.length === 0) return html``;
  return html`<div class="chips">${keywords.map(
    (k) => html`<a class="chip" href="${`/search?q=${encodeURIComponent(k)}`}">${k}</a>`,
  )}</div>`;
}

/**
 * The summary of a paper that came without Hugging Face's: written by the operator's LLM
 * ("AI-generated"), or chosen from the abstract ("Extracted"), with its keyphrases. Papers
 * with HF's summary show that one instead (paper-view.ts).
 */
export const summaryPaperSection: PaperSection = {
  id: "paper-summary",
  order: 0,
  place: "main",
  render: async (paper, _req, d) => {
    if (paper.aiSummary) return html``;
    const s = await paperSummary(d.db, paper.arxivId);
    if (!s) return html``;
    const label = s.kind === "llm" ? "AI-generated summary" : "Extracted summary";
    const how =
      s.kind === "llm"
        ? "Written by a language model from the abstract."
        : "The abstract's most representative sentence and keyphrases, chosen automatically.";
    return html`<section class="ai-summary" aria-labelledby="summary-h">
        <h2 id="summary-h">${label}</h2>
        <p>${s.summary}</p>
        ${keywordChips(s.keyphrases)}
        <p class="summary-note">${how}</p>
      </section>`;
  },
};
