import nodemailer from "nodemailer";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
  /** Body encoding; base64 is much cheaper to produce than quoted-printable for large non-ASCII bodies. */
  textEncoding?: "base64" | "quoted-printable";
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

/** SMTP failures keep the server's reply code, so callers can tell a bounce (5xx) from a retry (4xx). */
export class MailError extends Error {
  constructor(
    message: string,
    readonly responseCode: number | undefined,
  ) {
    super(message);
  }
  get permanent(): boolean {
    return this.responseCode !== undefined && this.responseCode >= 500;
  }
}

/**
 * Sends mail over SMTP (SMTP_URL, e.g. smtp://user:pass@host:587). Without SMTP_URL, messages
 * are written to the log instead, so a laptop install works and nothing is lost silently.
 */
export function createMailer(opts: {
  smtpUrl: string | undefined;
  from: string;
  onUnsent?: (m: OutgoingMail) => void;
}): Mailer {
  if (!opts.smtpUrl) {
    return {
      async send(mail) {
        opts.onUnsent?.(mail);
        return { messageId: "" };
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(opts.smtpUrl);
  return {
    async send(mail) {
      try {
        const info = await transport.sendMail({
          from: opts.from,
          ...mail,
          subject: encodedSubject(mail.subject),
        });
        return { messageId: info.messageId };
      } catch (err) {
        const e = err as Error & { responseCode?: number };
        throw new MailError(e.message, e.responseCode);
      }
    },
    close() {
      transport.close();
    },
  };
}

/**
 * A subject as the header must carry it. Nodemailer encodes non-ASCII text but passes ASCII
 * through, so text that looks like an RFC 2047 encoded-word ("=?utf-8?b?…?=") would be decoded by
 * the reader into something else. Such a subject, like any with control characters (removed), is
 * sent as one base64 encoded-word of its literal text, which decodes to exactly that text.
 */
function encodedSubject(subject: string): string {
  const flat = subject.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, " ");
  if (!flat.includes("=?")) return flat;
  // Encoded-words stay within RFC 2047's 75 characters: 45 bytes each, never splitting a character.
  const words: string[] = [];
  let chunk = "";
  for (const ch of flat) {
    if (Buffer.byteLength(chunk + ch) > 45) {
      words.push(chunk);
      chunk = "";
    }
    chunk += ch;
  }
  words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, "utf8").toString("base64")}?=`).join(" ");
}
