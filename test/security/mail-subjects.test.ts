import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { ParsedMail } from "mailparser";
import { createMailer } from "../../src/email/mailer.ts";
import { saveTopic } from "../../src/topics/commands.ts";
import { anonymous, post } from "../community/helpers.ts";
import type { TestApp } from "../helpers/app.ts";
import { openAppWithSmtp } from "../helpers/app-with-smtp.ts";
import { testBackends } from "../helpers/db.ts";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.ts";

const fx = JSON.parse(readFileSync(new URL("./fixtures/mail-subjects.json", import.meta.url), "utf8"));
const rawSubject = (m: ParsedMail) => m.headerLines.find((h) => h.key === "subject")?.line ?? "";

test("a subject that looks like encoded-words reaches the reader as the literal text", async () => {
  const smtp = await startTestSmtp();
  const mailer = createMailer({ smtpUrl: smtp.url, from: "Daily Papers <papers@example.com>" });
  try {
    for (const subject of fx.literalSubjects as string[]) {
      await mailer.send({ to: "reader@example.com", subject, text: "x" });
      const mail = await smtp.nextMessage();
      const shown = subject.replace(/[\t\r\n]+/g, " ");
      assert.equal(mail.subject, shown, `raw header: ${rawSubject(mail)}`);
      assert.doesNotMatch(rawSubject(mail), /\r?\n(?![ \t])/, "one header, folded at most");
    }
  } finally {
    mailer.close();
    await smtp.close();
  }
});

for (const backend of testBackends()) {
  describe(`site mail keeps user text out of subjects on ${backend}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let close: () => Promise<void>;
    before(async () => {
      ({ t, smtp, close } = await openAppWithSmtp(backend));
    });
    after(() => close());

    test("following an attacker-named topic sends a fixed subject; the name is quoted and short in the body", async () => {
      for (const [i, name] of (fx.topicNames as string[]).entries()) {
        const saved = await saveTopic(t.db, { query: `phishing probe ${i}`, name });
        if (!saved.ok) continue; // refused at the door is fine too
        const res = await post(
          t.app,
          anonymous(),
          `/topics/${saved.topic.slug}/follow`,
          { email: `target${i}@example.com` },
          { ip: `10.90.${i}.1` },
        );
        assert.equal(res.statusCode, 303);
        const mail = await smtp.nextMessage();
        assert.equal(mail.subject, "Confirm following a topic on Daily Papers");
        assert.doesNotMatch(rawSubject(mail), /=\?/, "no encoded-words at all in a fixed ASCII subject");
        const quoted = /“([^”]*)”/.exec(mail.text ?? "")?.[1] ?? "";
        assert.ok(quoted.length > 0 && quoted.length <= 60, `quoted, at most 60 characters: ${quoted}`);
        assert.doesNotMatch(quoted, /[\u202a-\u202e\u2066-\u2069]/, "no bidi overrides");
      }
    });
  });
}
