import { PASSWORD_MIN, USERNAME_RULE } from "../../users/username.ts";
import { html, type SafeHtml } from "../html.ts";
import type { PageContext } from "../layout.ts";
import { csrfField } from "./csrf.ts";

export interface FormState {
  error?: string;
  notice?: string;
  values?: Record<string, string>;
}

function messages(s: FormState): SafeHtml {
  return html`${s.error ? html`<p class="form-error" role="alert">${s.error}</p>` : ""}${
    s.notice ? html`<p class="form-notice" role="status">${s.notice}</p>` : ""
  }`;
}

export function signupForm(ctx: PageContext, s: FormState = {}): SafeHtml {
  const v = s.values ?? {};
  return html`<section class="auth-form">
    <h1>Sign up</h1>
    ${messages(s)}
    <form method="post" action="/signup">
      ${csrfField(ctx)}
      <label>Username <input type="text" name="username" required maxlength="30" autocomplete="username" value="${v.username ?? ""}"></label>
      <p class="hint">${USERNAME_RULE}.</p>
      <label>Email <input name="email" type="email" required maxlength="254" autocomplete="email" value="${v.email ?? ""}"></label>
      <label>Password <input name="password" type="password" required minlength="${PASSWORD_MIN}" maxlength="200" autocomplete="new-password"></label>
      <button type="submit">Create account</button>
    </form>
    <p>Have an account? <a href="/login">Log in</a>.</p>
  </section>`;
}

export function loginForm(ctx: PageContext, next: string, s: FormState = {}): SafeHtml {
  return html`<section class="auth-form">
    <h1>Log in</h1>
    ${messages(s)}
    <form method="post" action="/login">
      ${csrfField(ctx)}
      <input type="hidden" name="next" value="${next}">
      <label>Username or email <input type="text" name="login" required maxlength="254" autocomplete="username" value="${s.values?.login ?? ""}"></label>
      <label>Password <input name="password" type="password" required maxlength="200" autocomplete="current-password"></label>
      <button type="submit">Log in</button>
    </form>
    <p><a href="/forgot-password">Forgot your password?</a> · New here? <a href="/signup">Sign up</a>.</p>
  </section>`;
}

export function forgotForm(ctx: PageContext, s: FormState = {}): SafeHtml {
  return html`<section class="auth-form">
    <h1>Reset your password</h1>
    ${messages(s)}
    <form method="post" action="/forgot-password">
      ${csrfField(ctx)}
      <label>Email <input name="email" type="email" required maxlength="254" autocomplete="email"></label>
      <button type="submit">Email me a reset link</button>
    </form>
  </section>`;
}

export function resetForm(ctx: PageContext, token: string, s: FormState = {}): SafeHtml {
  return html`<section class="auth-form">
    <h1>Choose a new password</h1>
    ${messages(s)}
    <form method="post" action="/reset-password">
      ${csrfField(ctx)}
      <input type="hidden" name="token" value="${token}">
      <label>New password <input name="password" type="password" required minlength="${PASSWORD_MIN}" maxlength="200" autocomplete="new-password"></label>
      <button type="submit">Set password</button>
    </form>
  </section>`;
}

/** Email scanners open links; confirming takes a click, so a prefetch verifies nothing. */
export function verifyForm(ctx: PageContext, token: string): SafeHtml {
  return html`<section class="auth-form">
    <h1>Confirm your email</h1>
    <form method="post" action="/verify-email">
      ${csrfField(ctx)}
      <input type="hidden" name="token" value="${token}">
      <button type="submit">Confirm my email address</button>
    </form>
  </section>`;
}

export function messagePage(
  title: string,
  text: string,
  link?: { href: string; label: string } | { href: string; label: string }[],
): SafeHtml {
  return html`<section class="auth-form"><h1>${title}</h1><p>${text}</p>${[link ?? []]
    .flat()
    .map((l) => html`<p><a href="${l.href}">${l.label}</a></p>`)}</section>`;
}

/** Where a new account is led once it can sign in: onboarding, which makes For you theirs. */
export const ONBOARDING_LINK = {
  href: "/for-you/start",
  label: "Pick topics, authors or papers for your For-you feed",
};

export function resendForm(ctx: PageContext): SafeHtml {
  return html`<section class="auth-form">
    <h1>Send a new confirmation link</h1>
    <form method="post" action="/verify-email/resend">${csrfField(ctx)}<button type="submit">Send</button></form>
  </section>`;
}
