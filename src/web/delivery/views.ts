import type { Subscriber } from "../../email/subscribers-store.ts";
import type { Topic } from "../../topics/store.ts";
import { csrfField } from "../accounts/csrf.ts";
import { html, type SafeHtml } from "../html.ts";
import type { PageContext } from "../layout.ts";

/** The form at the foot of every page: an email address and nothing else. */
export function subscribeBox(ctx: PageContext): SafeHtml {
  return html`<section class="subscribe-box" aria-labelledby="subscribe-title">
  <div class="wrap">
    <h2 id="subscribe-title">Get trending papers in your email inbox</h2>
    <form method="post" action="/subscribe" class="subscribe-form">
      ${csrfField(ctx)}
      <label class="sr-only" for="subscribe-email">Email address</label>
      <input id="subscribe-email" type="email" name="email" required maxlength="254" autocomplete="email" placeholder="you@example.org">
      <button type="submit" class="button primary">Subscribe</button>
    </form>
    <p class="hint">Daily on weekdays, or weekly. Follow <a href="/topics">topics</a> too. Prefer a feed reader? <a href="/papers.rss">RSS</a> · <a href="/papers.atom">Atom</a></p>
  </div>
</section>`;
}

export function subscribePage(
  ctx: PageContext,
  s: { error?: string; notice?: string; email?: string } = {},
): SafeHtml {
  return html`<section class="form-narrow">
    <h1>Subscribe to the digest</h1>
    ${s.error ? html`<p class="notice error" role="alert">${s.error}</p>` : ""}
    ${s.notice ? html`<p class="notice" role="status">${s.notice}</p>` : ""}
    <form method="post" action="/subscribe">
      ${csrfField(ctx)}
      <label>Email address <input type="email" name="email" required maxlength="254" autocomplete="email" value="${s.email ?? ""}"></label>
      <button type="submit" class="button primary">Subscribe</button>
    </form>
    <p>We send a link to confirm the address first. Nothing else arrives until you click it.</p>
  </section>`;
}

export const CHECK_INBOX =
  "Thanks! If this address can receive the digest, a message is on its way: click the link in it to confirm. (It can take a few minutes; check your spam folder too.)";

export function messagePage(title: string, message: string, extra: SafeHtml | string = ""): SafeHtml {
  return html`<section class="form-narrow"><h1>${title}</h1><p>${message}</p>${extra}</section>`;
}

export function unsubscribeConfirm(token: string, masked: string): SafeHtml {
  // No CSRF field: the signed token in the form is the proof, as in the one-click POST.
  return html`<section class="form-narrow">
    <h1>Unsubscribe</h1>
    <p>Stop sending Daily Papers digests to ${masked}?</p>
    <form method="post" action="/unsubscribe">
      <input type="hidden" name="token" value="${token}">
      <button type="submit" class="button primary">Unsubscribe</button>
    </form>
  </section>`;
}

const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** The schedule and topics form, for a manage link (token) or the account settings page. */
export function settingsForm(
  ctx: PageContext,
  sub: Subscriber,
  topics: { offered: Topic[]; followed: Set<number> },
  opts: { action: string; token?: string; unsubscribeUrl?: string; notice?: string; error?: string },
): SafeHtml {
  const sel = (on: boolean) => (on ? html` selected` : "");
  const chk = (on: boolean) => (on ? html` checked` : "");
  return html`<section class="form-narrow digest-settings">
    <h1>Your digest</h1>
    ${opts.error ? html`<p class="notice error" role="alert">${opts.error}</p>` : ""}
    ${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ""}
    <p>Sent to <strong>${sub.email}</strong>. Status: ${statusLabel(sub)}.</p>
    <form method="post" action="${opts.action}">
      ${csrfField(ctx)}
      ${opts.token ? html`<input type="hidden" name="token" value="${opts.token}">` : ""}
      <label>How often <select name="frequency">
        <option value="daily"${sel(sub.frequency === "daily")}>Daily</option>
        <option value="weekly"${sel(sub.frequency === "weekly")}>Weekly (Mondays)</option>
      </select></label>
      <label><input type="checkbox" name="weekdays_only" value="on"${chk(sub.weekdaysOnly)}> Daily digests on weekdays only</label>
      <label>At <select name="send_hour">${HOURS.map(
        (h) => html`<option value="${h}"${sel(h === sub.sendHour)}>${String(h).padStart(2, "0")}:00</option>`,
      )}</select></label>
      <label>Time zone <input type="text" name="time_zone" value="${sub.timeZone}" maxlength="64" list="time-zones"></label>
      <datalist id="time-zones">${Intl.supportedValuesOf("timeZone").map((z) => html`<option value="${z}">`)}</datalist>
      <label><input type="checkbox" name="send_empty" value="on"${chk(sub.sendEmpty)}> Send a short “nothing new” note when there is nothing</label>
      <fieldset><legend>Topics</legend>
        ${topics.offered.length === 0 ? html`<p class="hint">No topics yet. Save any search as a topic from the search page.</p>` : ""}
        ${topics.offered.map(
          (t) =>
            html`<label><input type="checkbox" name="topic" value="${t.id}"${chk(topics.followed.has(t.id))}> <a href="/topics/${t.slug}">${t.name}</a>${t.featured ? html` <span class="chip">featured</span>` : ""}${sub.status === "pending" && topics.followed.has(t.id) ? html` <span class="chip">pending</span>` : ""}</label>`,
        )}
      </fieldset>
      <button type="submit" class="button primary">Save</button>
    </form>
    ${opts.unsubscribeUrl ? html`<p><a href="${opts.unsubscribeUrl}">Unsubscribe from all digests</a></p>` : ""}
  </section>`;
}

function statusLabel(s: Subscriber): string {
  switch (s.status) {
    case "confirmed":
      return "subscribed";
    case "pending":
      return "waiting for you to confirm the address";
    case "unsubscribed":
      return "unsubscribed (saving this form does not resubscribe; use the subscribe form)";
    default:
      return "suspended because mail to this address bounced";
  }
}
