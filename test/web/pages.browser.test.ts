import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { launchBrowser, screenshotPath } from "../helpers/browser.ts";
import { IDS, seedFeed } from "../helpers/feed-fixture.ts";

/** What a person sees in Chromium: the feed, a day, a paper, trending and a missing page. */
describe("feed and paper pages in Chromium", () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let page: Page;

  before(async () => {
    t = await openTestApp("pglite", { now: () => new Date("2024-08-12T12:00:00Z") });
    await seedFeed(t.db);
    base = await t.listen();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const titles = () => page.locator(".paper-card h3 a").allTextContents();
  const counts = () => page.locator(".paper-card .votes .count").allTextContents();

  test("the home page shows the newest day under the Daily Papers header", async () => {
    await page.goto(`${base}/`);
    assert.equal(await page.locator("h1").textContent(), "Daily Papers");
    assert.match((await page.locator(".tagline").textContent()) ?? "", /by AK and the research community/);
    assert.equal(await page.locator(".period-title").textContent(), "12 Aug 2024");
    assert.deepEqual(await titles(), ["Paper G next week"]);
    await page.screenshot({ path: screenshotPath("feed-home"), fullPage: true });
  });

  test("a day lists its papers by upvotes, and previous/next lead on", async () => {
    await page.goto(`${base}/papers/date/2024-08-09`);
    const shown = await titles();
    assert.equal(shown.length, 5);
    assert.match(shown[0], /^GMAI-MMBench/);
    assert.equal(shown[3], "Paper D newer <script>alert(1)</script>", "markup in a title shows as text");
    assert.deepEqual(await counts(), ["57", "53", "10", "10", "10"]);
    assert.match(
      (await page.locator(".paper-card").first().textContent()) ?? "",
      /Submitted by AK on 9 Aug 2024/,
    );
    await page.screenshot({ path: screenshotPath("feed-day"), fullPage: true });
    await page.click("a[rel=next]");
    assert.equal(new URL(page.url()).pathname, "/papers/date/2024-08-12");
    await page.click(".tabs a:has-text('Weekly')");
    assert.equal(new URL(page.url()).pathname, "/papers/week/2024-W33");
    await page.goto(`${base}/papers/date/2024-08-12`);
    await page.fill("#jump-date", "2024-08-05");
    await page.click("form.jump button");
    assert.equal(new URL(page.url()).pathname, "/papers/date/2024-08-05");
    assert.deepEqual(await titles(), ["Paper F on Monday"]);
  });

  test("a paper page shows title, authors, abstract, links and votes", async () => {
    await page.goto(`${base}/papers/date/2024-08-09`);
    await page.click(`.paper-card[data-arxiv-id="${IDS.A}"] h3 a`);
    assert.equal(new URL(page.url()).pathname, `/papers/${IDS.A}`);
    assert.match((await page.locator("h1").textContent()) ?? "", /^GMAI-MMBench: A Comprehensive/);
    assert.equal(await page.locator(".author-list li").count(), 7);
    assert.match((await page.locator(".abstract").textContent()) ?? "", /We introduce GMAI-MMBench/);
    assert.ok(await page.locator("a:has-text('arXiv page')").isVisible());
    assert.ok(await page.locator("a:has-text('PDF')").isVisible());
    assert.match((await page.locator(".link-row a:has-text('GitHub')").textContent()) ?? "", /★ 88/);
    assert.match((await page.locator(".paper-dates").textContent()) ?? "", /Submitted by AK on 9 Aug 2024/);
    assert.equal(await page.locator(".paper-title-row .votes .count").textContent(), "57");
    await page.screenshot({ path: screenshotPath("paper-page"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: screenshotPath("paper-page-phone"), fullPage: true });
    await page.goto(`${base}/papers/date/2024-08-09`);
    await page.screenshot({ path: screenshotPath("feed-day-phone"), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  test("trending explains itself", async () => {
    await page.goto(`${base}/papers/trending`);
    await page.click("summary:has-text('How trending works')");
    assert.ok(await page.locator(".formula").isVisible());
    assert.match((await titles())[0], /^GMAI-MMBench/);
    await page.screenshot({ path: screenshotPath("trending"), fullPage: true });
  });

  test("unknown papers and bad dates get readable error pages", async () => {
    const missing = await page.goto(`${base}/papers/2408.99999`);
    assert.equal(missing?.status(), 404);
    assert.equal(await page.locator("h1").textContent(), "404 · Paper not found");
    await page.screenshot({ path: screenshotPath("paper-404"), fullPage: true });
    const bad = await page.goto(`${base}/papers/date/2024-02-30`);
    assert.equal(bad?.status(), 400);
    assert.match((await page.locator("main").textContent()) ?? "", /2024-02 has no day 30/);
  });
});
