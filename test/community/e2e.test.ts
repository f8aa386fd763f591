import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { type ArxivReplay, startArxivReplay } from "../helpers/arxiv-replay.ts";
import { launchBrowser, screenshotPath } from "../helpers/browser.ts";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp.ts";
import { makePaper } from "./helpers.ts";

// The recorded arXiv paper 1707.08567 was published on 2017-07-27; the app's clock says two
// days later, so it is young enough to submit.
const NOW = new Date("2017-07-29T12:00:00Z");

/**
 * The whole community flow in Debian's Chromium: sign up, confirm by the emailed link, log
 * out and in, upvote without a reload, comment, reply, submit a paper from the arXiv replay
 * server, log out. Any JavaScript dialog (an XSS payload firing) fails the test.
 */
describe("community end to end in Chromium (PGlite)", () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let replay: ArxivReplay;
  let browser: Browser;
  let base: string;
  let page: Page;
  const dialogs: string[] = [];

  before(async () => {
    smtp = await startTestSmtp();
    replay = await startArxivReplay();
    t = await openTestApp("pglite", {
      env: { SMTP_URL: smtp.url, ARXIV_API_URL: replay.apiUrl },
      now: () => NOW,
    });
    base = await t.listen();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("dialog", async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await replay?.close();
    await smtp?.close();
  });

  test("sign up, verify, log in, upvote, comment, reply, submit, log out", async () => {
    const paper = await makePaper(t.db, { title: "Attention is all you need, again", publishedAt: NOW });

    await page.goto(`${base}/signup`);
    await page.fill('input[name="username"]', "ada");
    await page.fill('input[name="email"]', "ada@example.com");
    await page.fill('input[name="password"]', "analytical engine 1843");
    await page.screenshot({ path: screenshotPath("community-1-signup") });
    await page.click('button:has-text("Create account")');
    await page.waitForSelector("text=Check your email");

    const mail = await smtp.nextMessage();
    const link = /https?:\/\/\S+\/verify-email\?token=\S+/.exec(mail.text ?? "")?.[0];
    assert.ok(link, "the message carries a confirmation link");
    const url = new URL(link);
    await page.goto(`${base}${url.pathname}${url.search}`);
    await page.click('button:has-text("Confirm my email address")');
    await page.waitForSelector("text=Email confirmed");

    await page.click(".account-menu summary");
    await page.click('.account-menu button:has-text("Log out")');
    await page.waitForSelector('.account-menu a:has-text("Log in")');
    await page.click('.account-menu a:has-text("Log in")');
    await page.fill('input[name="login"]', "ada");
    await page.fill('input[name="password"]', "analytical engine 1843");
    await page.click('form button:has-text("Log in")');
    await page.waitForSelector('.account-menu .user-link:has-text("ada")');

    await page.goto(`${base}/papers/${paper.arxivId}`);
    await page.evaluate(() => {
      (globalThis as unknown as { stayed: boolean }).stayed = true;
    });
    await page.click("form.vote-form button");
    await page.waitForSelector("form.vote-form.upvoted .count:has-text('1')");
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { stayed?: boolean }).stayed),
      true,
      "no reload",
    );
    assert.equal(
      (
        await t.db.query<{ n: number }>(`select local_upvotes as n from papers where arxiv_id = $1`, [
          paper.arxivId,
        ])
      )[0].n,
      1,
    );

    await page.fill(
      ".discussion > form.comment-form textarea",
      "Great *paper*; see $O(n^2)$ <img src=x onerror=alert(1)>",
    );
    await page.click('.discussion > form.comment-form button:has-text("Comment")');
    await page.waitForSelector(".comment-body em:has-text('paper')");
    await page.click(".comment-actions summary:has-text('Reply')");
    await page.fill(".comment-actions details[open] textarea", "Agreed, the **appendix** too.");
    await page.click('.comment-actions details[open] button:has-text("Reply")');
    await page.waitForSelector(".replies .comment-body strong:has-text('appendix')");
    await page.screenshot({ path: screenshotPath("community-2-discussion"), fullPage: true });

    await page.click('.account-menu a.button:has-text("Submit")');
    await page.waitForSelector("text=Papers first published on arXiv within the last 14 days");
    await page.fill('input[name="arxiv"]', "https://arxiv.org/abs/1707.08567");
    await page.click('form button:has-text("Submit")');
    await page.waitForURL(`${base}/papers/1707.08567`);
    await page.waitForSelector("text=Proceedings of Workshop AEW10");
    const submitted = await t.db.query<{ username: string }>(
      `select u.username from feed_entries f join users u on u.id = f.submitted_by where f.arxiv_id = '1707.08567'`,
    );
    assert.deepEqual(submitted, [{ username: "ada" }]);
    assert.match(await page.content(), /ada/);
    await page.screenshot({ path: screenshotPath("community-3-submitted"), fullPage: true });

    await page.goto(`${base}/users/ada`);
    await page.waitForSelector("text=Upvoted papers (1)");
    await page.click(".account-menu summary");
    await page.click('.account-menu button:has-text("Log out")');
    await page.waitForSelector('.account-menu a:has-text("Sign up")');
    await page.screenshot({ path: screenshotPath("community-4-logged-out") });
    assert.deepEqual(dialogs, [], "no script from user content ran");
  });
});
