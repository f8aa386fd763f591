import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { saveTopic } from "../../src/topics/commands.ts";
import { makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { launchBrowser, screenshotPath } from "../helpers/browser.ts";
import { IDS, seedFeed } from "../helpers/feed-fixture.ts";

/** Every page of the site, for axe and the screenshots; `signedIn` pages need an account. */
const PAGES: { name: string; path: string; signedIn?: boolean; status?: number }[] = [
  { name: "home", path: "/" },
  { name: "day", path: "/papers/date/2024-08-09" },
  { name: "week", path: "/papers/week/2024-W32" },
  { name: "month", path: "/papers/month/2024-08" },
  { name: "trending", path: "/papers/trending" },
  { name: "paper", path: `/papers/${IDS.A}`, signedIn: true },
  { name: "search", path: "/search?q=medical+benchmark" },
  { name: "topic", path: "/topics/medical-benchmark" },
  { name: "signup", path: "/signup" },
  { name: "login", path: "/login" },
  { name: "submit", path: "/submit", signedIn: true },
  { name: "settings", path: "/settings/digest", signedIn: true },
  { name: "profile", path: "/users/ada", signedIn: true },
  { name: "moderation-log", path: "/moderation" },
  { name: "404", path: "/papers/2408.99999", status: 404 },
];

const WIDTHS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
];
const THEMES = ["light", "dark"] as const;

/** What a person sees in Chromium: every page, both themes, desktop and phone, checked by axe. */
describe("the site in Chromium", () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let cookie: string;

  before(async () => {
    t = await openTestApp("pglite", { now: () => new Date("2024-08-12T12:00:00Z") });
    await seedFeed(t.db);
    const ada = await makeUser(t.db, { username: "ada", role: "admin" });
    cookie = ada.cookie;
    await saveTopic(t.db, { query: "medical benchmark", name: "Medical benchmark", createdBy: ada.userId });
    await post(t.app, ada, "/comments", {
      arxiv_id: IDS.A,
      body: "Solid benchmark; the bound $O(n^2)$ in *Table 2* matters.",
    });
    base = await t.listen();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  async function contextFor(
    theme: "light" | "dark",
    size: { width: number; height: number },
    /** true: as ada; a Cookie header: as that person. */
    signedIn: boolean | string,
  ) {
    const ctx = await browser.newContext({ viewport: size, colorScheme: theme });
    if (signedIn)
      await ctx.addCookies(
        (signedIn === true ? cookie : signedIn).split("; ").map((kv) => {
          const [name, value] = kv.split("=");
          return { name, value, url: base };
        }),
      );
    return ctx;
  }

  /**
   * One load per page and width: the two themes are the same page under another
   * prefers-color-scheme (emulateMedia), which is all the dark theme depends on without a cookie.
   */
  test("every page has no axe violations in both themes at desktop and phone widths", async () => {
    const failures: string[] = [];
    for (const size of WIDTHS) {
      const contexts: Record<string, BrowserContext> = {
        anon: await contextFor("light", size, false),
        user: await contextFor("light", size, true),
      };
      const tabs = { anon: await contexts.anon.newPage(), user: await contexts.user.newPage() };
      for (const p of PAGES) {
        const page = p.signedIn ? tabs.user : tabs.anon;
        const res = await page.goto(`${base}${p.path}`);
        assert.equal(res?.status(), p.status ?? 200, `${p.name}: ${p.path}`);
        for (const theme of THEMES) {
          await page.emulateMedia({ colorScheme: theme });
          const background = await page.evaluate("getComputedStyle(document.body).backgroundColor");
          assert.equal(background === "rgb(255, 255, 255)", theme === "light", `${p.name} in ${theme}`);
          const result = await new AxeBuilder({ page }).analyze();
          for (const v of result.violations)
            failures.push(
              `${p.name} ${theme} ${size.name}: ${v.id} (${v.impact}) ${v.nodes
                .slice(0, 3)
                .map((n) => n.target.join(" "))
                .join(" | ")}`,
            );
          await page.screenshot({ path: screenshotPath(`${p.name}-${theme}-${size.name}`), fullPage: true });
        }
        await page.emulateMedia({ colorScheme: "light" });
      }
      await contexts.anon.close();
      await contexts.user.close();
    }
    assert.deepEqual(failures, []);
  });

  describe("feeds and paper pages", () => {
    let page: Page;
    before(async () => {
      page = await (await contextFor("light", { width: 1280, height: 900 }, false)).newPage();
    });
    const titles = () => page.locator(".paper-card h2 a").allTextContents();
    const counts = () => page.locator(".paper-card .votes .count").allTextContents();

    test("a day lists its papers by upvotes, and previous/next and the tabs lead on", async () => {
      await page.goto(`${base}/papers/date/2024-08-09`);
      const shown = await titles();
      assert.equal(shown.length, 5);
      assert.match(shown[0], /^GMAI-MMBench/);
      assert.equal(shown[3], "Paper D newer <script>alert(1)</script>", "markup in a title shows as text");
      assert.deepEqual(await counts(), ["57", "53", "10", "10", "10"]);
      await page.click("a[rel=next]");
      assert.equal(new URL(page.url()).pathname, "/papers/date/2024-08-12");
      await page.click(".feed-tabs a:has-text('Weekly')");
      assert.equal(new URL(page.url()).pathname, "/papers/week/2024-W33");
      await page.goto(`${base}/papers/date/2024-08-12`);
      await page.fill("#jump-date", "2024-08-05");
      await page.click("form.jump button");
      assert.equal(new URL(page.url()).pathname, "/papers/date/2024-08-05");
      assert.deepEqual(await titles(), ["Paper F on Monday"]);
    });

    test("the grid shows at least 6 whole papers on a 1280×900 screen; the list is remembered", async () => {
      await page.goto(`${base}/papers/week/2024-W32`);
      const boxes = await page
        .locator(".paper-card")
        .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().bottom));
      assert.ok(boxes.filter((b) => b <= 900).length >= 6, `bottoms: ${boxes.join(", ")}`);
      await page.click(".view-switch button[value=list]");
      await page.waitForSelector(".paper-list.view-list");
      await page.reload();
      assert.equal(await page.locator(".paper-list.view-list").count(), 1, "the choice is remembered");
      await page.click(".view-switch button[value=grid]");
      await page.waitForSelector(".paper-list.view-grid");
    });

    test("on a phone the header is short and the first paper starts high", async () => {
      const phone = await (await contextFor("light", { width: 390, height: 844 }, false)).newPage();
      await phone.goto(`${base}/papers/date/2024-08-09`);
      const header = await phone.locator(".site-header").boundingBox();
      const first = await phone.locator(".paper-card").first().boundingBox();
      assert.ok(header && header.height <= 100, `header ${header?.height} px`);
      assert.ok(first && first.y <= 260, `first paper at ${first?.y} px`);
      assert.equal(await phone.locator(".feed-tabs").count(), 1);
      await phone.close();
    });

    test("on a 375 px phone, a signed-in person has For you in the header, not only in the menu", async () => {
      // also with the longest username (30 characters), which must not push it off the row
      const long = await makeUser(t.db, { username: "a-rather-long-username-of-30ch" });
      for (const [who, c, path] of [
        ["ada", cookie, "/papers/date/2024-08-09"],
        ["long", long.cookie, "/papers/date/2024-08-09"],
        ["long-paper", long.cookie, `/papers/${IDS.A}`],
      ]) {
        const ctx = await contextFor("light", { width: 375, height: 812 }, c);
        const phone = await ctx.newPage();
        await phone.goto(`${base}${path}`);
        await phone.screenshot({ path: screenshotPath(`phone-375-header-${who}`) });
        const link = phone.locator('.site-header .foryou-nav a[href="/for-you"]');
        assert.equal(await link.isVisible(), true, "For you is shown in the header");
        const box = await link.boundingBox();
        const header = await phone.locator(".site-header").boundingBox();
        assert.ok(
          box && box.x >= 0 && box.x + box.width <= 375,
          `the link is on screen: ${JSON.stringify(box)}`,
        );
        assert.ok(header && header.height <= 100, `header ${header?.height} px`);
        const width = await phone.evaluate<number>("document.documentElement.scrollWidth");
        assert.ok(width <= 375, `no horizontal scroll (${width} px)`);
        await link.click();
        await phone.waitForURL(/\/for-you$/);
        await ctx.close();
      }
    });

    test("a paper page shows title, authors, abstract, links and votes", async () => {
      await page.goto(`${base}/papers/date/2024-08-09`);
      await page.click(`.paper-card[data-arxiv-id="${IDS.A}"] h2 a`);
      assert.equal(new URL(page.url()).pathname, `/papers/${IDS.A}`);
      assert.match((await page.locator("h1").textContent()) ?? "", /^GMAI-MMBench: A Comprehensive/);
      assert.equal(await page.locator(".author-list li").count(), 7);
      assert.match((await page.locator(".abstract").textContent()) ?? "", /We introduce GMAI-MMBench/);
      assert.match((await page.locator(".link-row a:has-text('GitHub')").textContent()) ?? "", /★ 88/);
      assert.match((await page.locator(".paper-dates").textContent()) ?? "", /Submitted by AK on 9 Aug 2024/);
      assert.equal(await page.locator(".paper-title-row .votes .count").textContent(), "57");
      assert.equal(await page.locator(".discussion math").count(), 1, "TeX in comments is MathML");
    });

    test("the theme toggle works without reloading and is remembered", async () => {
      await page.goto(`${base}/papers/trending`);
      const bg = () => page.evaluate("getComputedStyle(document.body).backgroundColor");
      assert.equal(await bg(), "rgb(255, 255, 255)");
      await page.click(".theme-toggle .to-dark");
      await page.waitForSelector("html[data-theme=dark]", { state: "attached" });
      assert.notEqual(await bg(), "rgb(255, 255, 255)");
      await page.reload();
      assert.equal(await page.locator("html").getAttribute("data-theme"), "dark");
      await page.click(".theme-toggle .to-light");
      await page.waitForSelector("html[data-theme=light]", { state: "attached" });
    });

    test("keys: j/k move with a visible focus, u upvotes, o opens, / searches, ? lists them", async () => {
      const signedIn = await contextFor("light", { width: 1280, height: 900 }, true);
      const tab = await signedIn.newPage();
      await tab.goto(`${base}/papers/date/2024-08-09`);
      const current = () =>
        tab.evaluate(`({
          card: document.querySelector(".paper-card.kb-current")?.getAttribute("data-arxiv-id") ?? null,
          focused: document.activeElement?.closest(".paper-card")?.getAttribute("data-arxiv-id") ?? null,
          outline: getComputedStyle(document.activeElement ?? document.body).outlineStyle,
        })`) as Promise<{ card: string | null; focused: string | null; outline: string }>;
      const ids = await tab
        .locator(".paper-card")
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-arxiv-id")));
      await tab.keyboard.press("j");
      assert.deepEqual(
        await current(),
        { card: ids[0], focused: ids[0], outline: "solid" },
        "focus is visible",
      );
      await tab.keyboard.press("j");
      await tab.keyboard.press("j");
      assert.equal((await current()).card, ids[2]);
      await tab.keyboard.press("k");
      assert.equal((await current()).focused, ids[1]);
      await tab.keyboard.press("k");
      assert.equal((await current()).card, ids[0]);

      const count = tab.locator(`.paper-card[data-arxiv-id="${IDS.A}"] .votes .count`);
      // Locators wait without evaluating strings in the page, which its CSP forbids.
      const voteForm = `.paper-card[data-arxiv-id="${IDS.A}"] form.vote-form`;
      await tab.keyboard.press("u");
      await tab.locator(`${voteForm}.upvoted .count`, { hasText: /^58$/ }).waitFor();
      await tab.keyboard.press("u");
      await tab.locator(`${voteForm}:not(.upvoted)`).waitFor();
      assert.equal(await count.textContent(), "57", "u again takes the upvote back");

      await tab.keyboard.press("?");
      const dialog = tab.locator("dialog#keys-dialog");
      await dialog.waitFor({ state: "visible" });
      assert.equal(await dialog.locator("tr").count(), 7);
      await tab.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });

      await tab.keyboard.press("/");
      assert.equal(await tab.evaluate(`document.activeElement?.matches("input[data-suggest]")`), true);
      await tab.keyboard.type("jk");
      assert.equal(await tab.inputValue("input[data-suggest]"), "jk", "keys typed in a field are text");
      assert.equal((await current()).card, ids[0], "and move nothing");
      await tab.keyboard.press("Escape");
      assert.equal(await tab.evaluate("document.activeElement === document.body"), true);

      await tab.keyboard.press("j");
      await tab.keyboard.press("o");
      await tab.waitForURL(`${base}/papers/${ids[1]}`);
      await signedIn.close();

      // Without JavaScript the keys do nothing, and the page and its links still work.
      const plain = await browser.newContext({
        javaScriptEnabled: false,
        viewport: { width: 1280, height: 900 },
      });
      const noJs = await plain.newPage();
      await noJs.goto(`${base}/papers/date/2024-08-09`);
      await noJs.keyboard.press("j");
      assert.equal(await noJs.locator(".kb-current").count(), 0);
      await noJs.click(`.paper-card[data-arxiv-id="${IDS.A}"] h2 a`);
      assert.equal(new URL(noJs.url()).pathname, `/papers/${IDS.A}`);
      await noJs.goto(`${base}/keys`);
      assert.equal(await noJs.locator(".keys-table tr").count(), 7);
      await plain.close();
    });

    test("unknown papers and bad dates get readable error pages", async () => {
      const missing = await page.goto(`${base}/papers/2408.99999`);
      assert.equal(missing?.status(), 404);
      assert.equal(await page.locator("h1").textContent(), "404 · Paper not found");
      const bad = await page.goto(`${base}/papers/date/2024-02-30`);
      assert.equal(bad?.status(), 400);
      assert.match((await page.locator("main").textContent()) ?? "", /2024-02 has no day 30/);
    });
  });
});
