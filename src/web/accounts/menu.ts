import { canModerate } from "../../users/policies.ts";
import { html, type SafeHtml } from "../html.ts";
import type { PageContext } from "../layout.ts";
import { csrfField } from "./csrf.ts";

/** The account corner of the header: log in / sign up, or the user's name, Submit and Log out. */
export function accountMenu(ctx: PageContext): SafeHtml {
  const user = ctx.user;
  if (!user) {
    return html`<nav class="account-menu" aria-label="Account">
      <a href="/login">Log in</a> <a class="button" href="/signup">Sign up</a>
    </nav>`;
  }
  const mod = canModerate(user);
  return html`<nav class="account-menu" aria-label="Account">
    <a class="button" href="/submit">Submit</a>
    ${mod ? html`<a href="/mod">Moderate</a>` : ""}
    <a class="user-link" href="/users/${encodeURIComponent(user.username)}">${user.username}</a>
    <form class="inline" method="post" action="/logout">${csrfField(ctx)}<button type="submit" class="link">Log out</button></form>
  </nav>`;
}
