import { html } from "../render/html.ts";
import type { OutgoingMail } from "./mailer.ts";

const P =
  "font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;color:#18181b;line-height:1.5";
const BUTTON =
  "display:inline-block;background:#1d4ed8;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600";

/** How a name someone else chose appears in mail anyone can trigger: quoted, on one line, short. */
function quotedName(name: string, max = 60): string {
  const flat = name
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return `“${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}”`;
}

/**
 * The double opt-in mail; also used to confirm following a topic. Anyone can make the site send
 * it to any address, so the subject is fixed text of ours: a topic's name (chosen by whoever
 * saved it) appears only in the body, quoted and shortened, as the thing being confirmed.
 */
export function confirmationMail(to: string, link: string, topicName?: string): OutgoingMail {
  const what = topicName
    ? `follow the topic ${quotedName(topicName)} in your Daily Papers digest`
    : "receive the Daily Papers digest";
  const text = [
    `Someone (hopefully you) asked to ${what} at this address.`,
    "",
    `Confirm by opening this link within 48 hours:`,
    link,
    "",
    "If it was not you, ignore this mail: nothing will be sent without your confirmation.",
    "",
  ].join("\n");
  const body = html`<!doctype html><html><body style="margin:0;padding:24px;background:#f4f4f5">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;width:100%;background:#ffffff;border:1px solid #e4e4e7;border-radius:8px"><tr><td style="padding:24px">
<p style="${P}">Someone (hopefully you) asked to ${what} at this address.</p>
<p style="${P}"><a href="${link}" style="${BUTTON}">Confirm subscription</a></p>
<p style="${P};font-size:13px;color:#52525b">The link works for 48 hours. If it was not you, ignore this mail: nothing will be sent without your confirmation.</p>
</td></tr></table></body></html>`;
  return {
    to,
    subject: topicName
      ? "Confirm following a topic on Daily Papers"
      : "Confirm your Daily Papers subscription",
    text,
    html: body.value,
  };
}

/** Sent (at most hourly) when a confirmed address is submitted again: the owner learns it, the submitter does not. */
export function alreadySubscribedMail(to: string, manageLink: string): OutgoingMail {
  const text = [
    "Someone asked to subscribe this address to Daily Papers, but it is already subscribed.",
    "",
    `Change your topics or schedule here: ${manageLink}`,
    "",
  ].join("\n");
  const body = html`<!doctype html><html><body style="margin:0;padding:24px;background:#f4f4f5">
<p style="${P}">Someone asked to subscribe this address to Daily Papers, but it is already subscribed.</p>
<p style="${P}"><a href="${manageLink}">Change your topics or schedule</a></p></body></html>`;
  return { to, subject: "You are already subscribed to Daily Papers", text, html: body.value };
}
