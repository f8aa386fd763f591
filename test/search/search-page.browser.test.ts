import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { upsertPapers } from "../../src/papers/store.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { launchBrowser, screenshotPath } from "../helpers/browser.ts";
import { hfDailyPapers, TEST_DAYS } from "./corpus.ts";

/** What a person sees when searching, in Chromium. */
describe("search page in Chromium", () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let page: Page;

  before(async () => {
    t = await openTestApp("pglite");
    await upsertPapers(t.db, hfDailyPapers(TEST_DAYS));
    base = await t.listen();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test("searching from the header box shows highlighted results", async () => {
    await page.goto(`${base}/search`);
    await page.fill(".search-page-form input[name=q]", "medical benchmark");
    await page.press(".search-page-form input[name=q]", "Enter");
    await page.waitForURL(/\/search\?q=medical\+benchmark/);
    const first = page.locator(".paper-card").first();
    assert.equal(
      await first.locator("h2 a").textContent(),
      "GMAI-MMBench: A Comprehensive Multimodal Evaluation Benchmark Towards General Medical AI",
    );
    assert.deepEqual(await first.locator("h2 mark").allTextContents(), ["Benchmark", "Medical"]);
    assert.ok((await first.locator(".abstract-snippet mark").count()) > 0);
    assert.match((await first.locator(".why").textContent()) ?? "", /^Matched: benchmark, medical/);
    assert.match((await page.locator(".result-count").textContent()) ?? "", /^18 papers/);
    await page.screenshot({ path: screenshotPath("search-results"), fullPage: true });
  });

  test("a bad query explains itself, and an arXiv link opens the paper", async () => {
    await page.goto(`${base}/search?q=${encodeURIComponent("AND OR")}`);
    assert.match(
      (await page.locator(".search-error").textContent()) ?? "",
      /only operators or very common words/,
    );
    await page.screenshot({ path: screenshotPath("search-bad-query"), fullPage: true });
    const res = await page.goto(`${base}/search?q=${encodeURIComponent("https://arxiv.org/abs/2408.03361")}`);
    assert.equal(new URL(page.url()).pathname, "/papers/2408.03361");
    assert.ok(res);
  });
});
