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

  test("a 100-character name without spaces fits the collection pages at 1280 and 390 pixels", async () => {
    const p = await makePaper(t.db, { title: "A paper in a long-named collection" });
    const name = "Averyveryverylongcollectionnamewithoutanyspaces".repeat(3).slice(0, 100);
    assert.equal(name.length, 100);
    const made = await post(t.app, u, "/collections", { name, arxiv_id: p.arxivId, public: "1" });
    const path = made.headers.location as string;
    const q = await makePaper(t.db, { title: "A paper outside it" });
    // on q's page the name is an option of the Add to collection select
    const pages = {
      list: "/collections",
      collection: path,
      paper: `/papers/${p.arxivId}`,
      select: `/papers/${q.arxivId}`,
      profile: `/users/collector_${process.pid}`,
    };
    for (const width of [1280, 390]) {
      const context = await signedIn(width);
      const page = await context.newPage();
      for (const [what, url] of Object.entries(pages)) {
        await page.goto(`${base}${url}`);
        const shown =
          what === "select"
            ? await page.locator("select[name=slug]").innerHTML()
            : await page.textContent("main");
        assert.ok((shown ?? "").includes(name), `${what} shows the name`);
        const scroll = await page.evaluate<number>("document.documentElement.scrollWidth");
        await page.screenshot({ path: screenshotPath(`library-long-name-${what}-${width}`), fullPage: true });
        assert.ok(scroll <= width, `${what} at ${width}px scrolls sideways (${scroll}px)`);
      }
      await context.close();
    }
  });
});
