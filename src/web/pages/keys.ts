import type { FastifyInstance } from "fastify";
import { pageContext } from "../context.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";

/** The same list app.js shows on "?", as a page for people who look for it in the footer. */
const KEYBOARD_SHORTCUTS: [key: string, what: string][] = [
  ["j", "next paper"],
  ["k", "previous paper"],
  ["o or Enter", "open the paper"],
  ["u", "upvote it (when signed in)"],
  ["/", "search"],
  ["?", "list these keys"],
  ["Esc", "close, or leave the search box"],
];

export function registerKeysPage(app: FastifyInstance): void {
  app.get("/keys", async (req, reply) =>
    reply.type("text/html; charset=utf-8").send(
      page({
        title: "Keyboard shortcuts",
        ctx: pageContext(req),
        body: html`<section class="form-narrow"><h1>Keyboard shortcuts</h1>
          <p>On lists of papers and paper pages, when you are not typing in a field:</p>
          <table class="keys-table"><tbody>${KEYBOARD_SHORTCUTS.map(
            ([k, what]) => html`<tr><th scope="row"><kbd>${k}</kbd></th><td>${what}</td></tr>`,
          )}</tbody></table>
          <p class="hint">Tab and Shift+Tab move through every link and button; the first Tab offers “Skip to content”.</p></section>`,
      }),
    ),
  );
}
