import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { enqueueDueDigests } from "../../src/email/enqueue.ts";
import { subscriberByEmail } from "../../src/email/subscribers-store.ts";
import { runDigestWorker } from "../../src/email/worker.ts";
import { saveTopic } from "../../src/topics/commands.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { screenshotMail } from "../helpers/browser.ts";
import { testBackends } from "../helpers/db.ts";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { BASE_URL, linkPath, seedPapers, TUESDAY, testDelivery } from "./fixture.ts";

/** A browser-like client: keeps cookies, reads the CSRF token from the page's form. */
class Browser {
  cookies = new Map<string, string>();
  constructor(readonly origin: string) {}
  async fetch(p: string, init: RequestInit = {}) {
    const res = await fetch(this.origin + p, {
      ...init,
      redirect: "manual",
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [kv] = c.split(";");
      this.cookies.set(kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1));
    }
    return res;
  }
  async postForm(p: string, fields: Record<string, string>) {
    return this.fetch(p, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    });
  }
}

const csrfOf = (page: string) => {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!m) throw new Error("no CSRF field on the page");
  return m[1];
};

for (const backend of testBackends()) {
  describe(`delivery end to end on ${backend}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let origin: string;
    const clock = { now: TUESDAY };

    before(async () => {
      smtp = await startTestSmtp();
      t = await openTestApp(backend, {
        env: { SMTP_URL: smtp.url, BASE_URL, MAIL_FROM: "Daily Papers <papers@papers.test>" },
        now: () => clock.now,
      });
      origin = await t.listen();
      await seedPapers(t.db);
      const topic = await saveTopic(t.db, { query: "medical AI", name: "Medical AI", featured: true });
      assert.ok(topic.ok);
    });
    after(async () => {
      await t.close();
      await smtp.close();
    });

    test("subscribe, confirm by mail, follow a topic, receive the digest, unsubscribe in one click", async () => {
      const browser = new Browser(origin);
      // Every page carries the subscribe form, with a CSRF field.
      const home = await (await browser.fetch("/topics")).text();
      assert.match(home, /<form method="post" action="\/subscribe"/);
      const res = await browser.postForm("/subscribe", { _csrf: csrfOf(home), email: "Alice@Example.org" });
      assert.equal(res.status, 200);
      assert.match(await res.text(), /Check your inbox/);

      const confirm = await smtp.nextMessage();
      assert.equal(confirm.to && !Array.isArray(confirm.to) ? confirm.to.text : "", "Alice@example.org");
      assert.match(confirm.subject ?? "", /Confirm your Daily Papers subscription/);
      // Not confirmed yet: nothing is due for a pending address.
      assert.equal(await enqueueDueDigests(t.db, clock.now), 0);

      const confirmPage = await browser.fetch(linkPath(confirm.text ?? "", "/subscribe/confirm?token="));
      assert.equal(confirmPage.status, 200);
      const confirmHtml = await confirmPage.text();
      assert.match(confirmHtml, /You are subscribed/);

      // The manage link on the confirmation page: follow the featured "Medical AI" topic.
      const manage = await browser.fetch(linkPath(confirmHtml, "/subscription?token="));
      const manageHtml = await manage.text();
      assert.equal(manage.status, 200);
      const topicId = /name="topic" value="(\d+)"/.exec(manageHtml)?.[1];
      assert.ok(topicId, "the featured topic is offered");
      const saved = await browser.postForm("/subscription", {
        _csrf: csrfOf(manageHtml),
        token: /name="token" value="([^"]+)"/.exec(manageHtml)?.[1] ?? "",
        frequency: "daily",
        send_hour: "8",
        time_zone: "UTC",
        weekdays_only: "on",
        topic: topicId,
      });
      assert.equal(saved.status, 200);
      assert.match(await saved.text(), /Saved\./);

      // The scheduled run: one digest queued and delivered.
      const d = testDelivery(t.db, smtp.url, clock);
      assert.equal(await enqueueDueDigests(t.db, clock.now), 1);
      assert.equal(await enqueueDueDigests(t.db, clock.now), 0, "queued once per period");
      const stats = await runDigestWorker(d);
      assert.equal(stats.sent, 1);
      const mail = await smtp.nextMessage();

      assert.equal(mail.from?.text, '"Daily Papers" <papers@papers.test>');
      assert.equal(mail.to && !Array.isArray(mail.to) ? mail.to.text : "", "Alice@example.org");
      assert.equal(mail.subject, "Trending papers · Tue, Nov 24");
      assert.ok(mail.date instanceof Date);
      assert.match(mail.messageId ?? "", /^<digest-\d+\.\d+@papers\.test>$/);
      const lu = (mail.headerLines.find((h) => h.key === "list-unsubscribe")?.line ?? "")
        .replace(/\r\n\s+/g, " ")
        .replace(/^List-Unsubscribe:\s*/i, "");
      assert.match(
        lu,
        /^<http:\/\/papers\.test\/unsubscribe\?token=[^>]+>, <mailto:papers@papers\.test\?subject=unsubscribe&body=[^>]+>$/,
      );
      const header = (name: string) =>
        (mail.headerLines.find((h) => h.key === name)?.line ?? "")
          .replace(/\r\n\s+/g, " ")
          .replace(/^[^:]+:\s*/, "");
      assert.equal(header("list-unsubscribe-post"), "List-Unsubscribe=One-Click");

      const htmlPart = String(mail.html);
      const text = mail.text ?? "";
      // Trending first, then the topic, each paper once, old papers not "new".
      const iTrend = htmlPart.indexOf("Scaling Laws for Sparse Transformers");
      const iTopic = htmlPart.indexOf("New in");
      const iSeg = htmlPart.indexOf("Segmentation Benchmarks for Medical AI");
      assert.ok(iTrend > 0 && iTopic > iTrend && iSeg > iTopic, "trending, then the topic");
      assert.equal(htmlPart.split("Medical AI for Radiology Report Generation").length - 1, 1, "listed once");
      assert.ok(!htmlPart.includes("An Old Survey"));
      assert.ok(!htmlPart.includes("<script>alert"), "abstracts are escaped");
      assert.match(htmlPart, /Ada Lovelace, Alan Turing, Grace Hopper, Edsger Dijkstra and 2 others/);
      assert.match(htmlPart, /▲ 57/);
      assert.match(htmlPart, /href="https:\/\/arxiv\.org\/pdf\/2611\.00001"/);
      assert.ok(!/<link|<script|class=/.test(htmlPart), "inline styles only, no external CSS or scripts");
      assert.match(text, /Trending today\n=+\n\n\* Scaling Laws for Sparse Transformers \(▲ 57\)/);
      assert.match(text, /New in Medical AI/);
      assert.match(
        text,
        /arXiv: https:\/\/arxiv\.org\/abs\/2611\.00003 · PDF: https:\/\/arxiv\.org\/pdf\/2611\.00003/,
      );
      if (backend === "pglite") await screenshotMail("digest", htmlPart);

      // Links resolve against the running app.
      for (const prefix of [
        "/papers/2611.00001",
        "/topics/medical-ai",
        "/subscription?token=",
        "/unsubscribe?token=",
      ]) {
        const r = await fetch(origin + linkPath(htmlPart, prefix));
        assert.equal(r.status, 200, prefix);
      }

      // RFC 8058 one-click: a bare POST, no cookies, no CSRF token.
      const oneClickUrl = new URL(/<(http[^>]+)>/.exec(lu)?.[1] ?? "");
      const oneClick = await fetch(origin + oneClickUrl.pathname + oneClickUrl.search, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
      assert.equal(oneClick.status, 200);
      assert.equal((await subscriberByEmail(t.db, "alice@example.org"))?.status, "unsubscribed");

      // The next weekday's digest is not sent.
      clock.now = new Date("2026-11-25T09:00:00Z");
      assert.equal(await enqueueDueDigests(t.db, clock.now), 0);
      assert.equal((await runDigestWorker(d)).sent, 0);
      // The worker returns once the server has acknowledged what it sent: nothing is in flight.
      assert.equal(smtp.messages.length, 2, "only the confirmation and one digest");
      d.mailer.close();
    });
  });
}
