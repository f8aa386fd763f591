import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, BrowserContext } from "playwright-core";
import { type Client, makePaper, makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { launchBrowser, screenshotPath } from "../helpers/browser.ts";

/** Collections in Chromium, through the pages' plain forms. */
describe("collections in Chromium", () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let u: Client;

  before(async () => {
    t = await openTestApp("pglite");
    base = await t.listen();
    browser = await launchBrowser();
    u = await makeUser(t.db, { username: `collector_${process.pid}` });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  const signedIn = async (width: number): Promise<BrowserContext> => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addCookies(
      u.cookie.split("; ").map((kv) => {
        const [name, value] = kv.split("=");
        return { name, value, url: base };
      }),
    );
    return context;
  };

  test("pick a collection on the paper page, Add, see it listed there, Remove it", async () => {
    const p = await makePaper(t.db, { title: "A paper for the browser" });
    await post(t.app, u, "/collections", { name: "Alpha" });
    await post(t.app, u, "/collections", { name: "Beta" });
    const context = await signedIn(1280);
    const page = await context.newPage();
    await page.goto(`${base}/papers/${p.arxivId}`);
    await page.selectOption(".library-box select[name=slug]", "beta");
    await page.click(".library-box button:has-text('Add')");
    await page.waitForURL(`${base}/papers/${p.arxivId}`);
    const box = page.locator(".library-box");
    assert.match((await box.locator(".in-collections").textContent()) ?? "", /Beta/);
    assert.deepEqual(await box.locator("select[name=slug] option").allTextContents(), ["Alpha (0 papers)"]);
    await page.screenshot({ path: screenshotPath("library-paper-collections") });
    await box.locator("button[aria-label='Remove from Beta']").click();
    await page.waitForURL(`${base}/papers/${p.arxivId}`);
    assert.equal(await box.locator(".in-collections").count(), 0);
    assert.equal(await box.locator("select[name=slug] option").count(), 2);
    await context.close();
  });
});
