import { canModerate } from "../../users/policies.ts";
import { html, type SafeHtml } from "../html.ts";
import type { PageContext } from "../layout.ts";
import { csrfField } from "./csrf.ts";

/** Where a signed-in person manages what is theirs; a <details>, so it opens without JavaScript. */
export function accountLinks(username: string): [href: string, label: string][] {
  const me = encodeURIComponent(username);
  return [
    [`/users/${me}`, "Profile"],
    ["/for-you", "For you"],
    ["/saves", "Saved papers"],
    ["/collections", "Collections"],
    ["/settings/digest", "Digest settings"],
    ["/topics", "Topics"],
    ["/settings/tokens", "API tokens"],
    ["/settings/account", "Email and password"],
    ["/settings/account#export", "Export my data"],
    ["/settings/account#delete", "Delete my account"],
  ];
}

/** The account corner of the header: log in / sign up, or Submit and the account menu. */
export function accountMenu(ctx: PageContext): SafeHtml {
  const user = ctx.user;
  if (!user) {
    return html`<nav class="account-menu" aria-label="Account">
      <a href="/login">Log in</a> <a class="button signup" href="/signup">Sign up</a>
    </nav>`;
  }
  const mod = canModerate(user);
  return html`<nav class="account-menu" aria-label="Account">
    <a class="button secondary signup" href="/submit">Submit</a>
    <details class="menu-root">
      <summary><span class="sr-only">Account menu for </span><span class="user-link">${user.username}</span> <span aria-hidden="true">▾</span></summary>
      <ul class="menu">
        ${accountLinks(user.username).map(([href, label]) => html`<li><a href="${href}">${label}</a></li>`)}
        <li><a href="/submit">Submit a paper</a></li>
        ${mod ? html`<li><a href="/mod">Moderate</a></li>` : ""}
        <li><hr></li>
        <li><form method="post" action="/logout">${csrfField(ctx)}<button type="submit" class="link">Log out</button></form></li>
      </ul>
    </details>
  </nav>`;
}
