import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { upsertPapers } from "../../src/papers/store.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { launchBrowser, screenshotPath } from "../helpers/browser.ts";
import { subjectPaper } from "./corpus.ts";

const DAY = 86_400_000;

/** The whole For-you journey in Chromium, through plain forms. */
describe("for you in Chromium", () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let page: Page;
  const now = new Date();
  const old = new Date(now.getTime() - 40 * DAY);
  const fresh = new Date(now.getTime() - DAY);
  const savedMol = [0, 1, 2].map(() => subjectPaper("molecules", { publishedAt: old }));
  const savedSpeech = [0, 1].map(() => subjectPaper("speech", { publishedAt: old }));
  const newMol = [0, 1, 2, 3].map(() => subjectPaper("molecules", { publishedAt: fresh }));
  const newSpeech = [0, 1, 2, 3].map(() => subjectPaper("speech", { publishedAt: fresh }));
  const byAuthor = subjectPaper("filler", { publishedAt: fresh, authors: ["Émilie du Châtelet"] });
  const filler = Array.from({ length: 10 }, () => subjectPaper("filler", { publishedAt: fresh }));

  before(async () => {
    t = await openTestApp("pglite", { now: () => now });
    await upsertPapers(t.db, [...savedMol, ...savedSpeech, ...newMol, ...newSpeech, byAuthor, ...filler]);
    base = await t.listen();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });

  test("sign up, save on two subjects, follow an author, see both with reasons, dismiss one", async () => {
    await page.goto(`${base}/signup`);
    await page.fill("input[name=username]", "reader");
    await page.fill("input[name=email]", "reader@example.com");
    await page.fill("input[name=password]", "a long enough password");
    await page.click(".auth-form form button[type=submit]");
    await page.waitForURL(/\/signup\/done/);
    // Sign-up does not sign in (the confirmation link does, or logging in): log in.
    await page.goto(`${base}/login`);
    await page.fill("input[name=login]", "reader");
    await page.fill("input[name=password]", "a long enough password");
    await page.click("main form button[type=submit]");
    await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    // a new account sees trending, and is told so
    await page.goto(`${base}/for-you`);
    assert.match((await page.locator(".notice").textContent()) ?? "", /trending papers/);

    for (const p of [...savedMol, ...savedSpeech]) {
      await page.goto(`${base}/papers/${p.arxivId}`);
      await page.click(".library-box button:has-text('Save')");
      await page.waitForSelector(".library-box button:has-text('Saved')");
    }
    await page.goto(`${base}/authors/${encodeURIComponent("Émilie du Châtelet")}`);
    await page.click("button:has-text('Follow')");
    await page.waitForSelector("button:has-text('Following')");

    await page.goto(`${base}/for-you`);
    const ids = await page
      .locator(".paper-card")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-arxiv-id")));
    const top = ids.slice(0, 6);
    const mol = new Set(newMol.map((p) => p.arxivId));
    const speech = new Set(newSpeech.map((p) => p.arxivId));
    assert.ok(
      top.some((id) => mol.has(id as string)),
      `molecules in the top: ${top}`,
    );
    assert.ok(
      top.some((id) => speech.has(id as string)),
      `speech in the top: ${top}`,
    );
    assert.ok(ids.includes(byAuthor.arxivId), "the followed author's new paper");
    const whyOf = (id: string) => page.locator(`.paper-card[data-arxiv-id="${id}"] .why`).textContent();
    for (const id of top.filter((id) => mol.has(id as string) || speech.has(id as string)))
      assert.match((await whyOf(id as string)) ?? "", /^Because you saved “/);
    assert.match((await whyOf(byAuthor.arxivId)) ?? "", /^Émilie du Châtelet, whom you follow/);
    // a paper only like hers (or, a weaker match, only nearest to them) says so, and is not
    // worded as if she wrote it
    for (const p of filler) {
      if (!ids.includes(p.arxivId)) continue;
      const why = (await whyOf(p.arxivId)) ?? "";
      if (why.includes("Émilie"))
        assert.match(why, /^(Like|Nearest to) the papers of Émilie du Châtelet, whom you follow/);
    }
    // her paper is a close match; the weaker ones come after every close match, under their heading
    const closeIds = await page
      .locator("ol[aria-label='Recommended papers'] .paper-card")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-arxiv-id")));
    assert.ok(closeIds.includes(byAuthor.arxivId));
    assert.deepEqual(ids.slice(0, closeIds.length), closeIds);
    await page.screenshot({ path: screenshotPath("for-you"), fullPage: true });

    // Save on a card far down the list, in place: the reader keeps their place
    const lower = page.locator(`.paper-card[data-arxiv-id="${ids[12]}"]`);
    await lower.scrollIntoViewIfNeeded();
    const downAt = await page.evaluate<number>("window.scrollY");
    assert.ok(downAt > 0);
    await lower.locator("button:has-text('Save')").click();
    await lower.locator("button:has-text('Saved ✓ (undo)')").waitFor();
    assert.equal(await page.evaluate<number>("window.scrollY"), downAt);
    await lower.locator("button:has-text('Saved ✓ (undo)')").click();
    await lower.locator("button:text-is('Save')").waitFor();

    const first = top[0] as string;
    await page.locator(`.paper-card[data-arxiv-id="${first}"]`).scrollIntoViewIfNeeded();
    const scrolled = await page.evaluate<number>("window.scrollY");
    await page.click(`.paper-card[data-arxiv-id="${first}"] button:has-text('Not interested')`);
    // in place: the card folds to a line with its undo, the reader keeps their place
    const folded = page.locator(`.paper-card.dismissed[data-arxiv-id="${first}"]`);
    await folded.waitFor();
    assert.equal(await folded.locator("h2").isVisible(), false);
    assert.match((await folded.locator(".dismissed-note").textContent()) ?? "", /^Hidden: /);
    assert.equal(await folded.locator("button:has-text('Undo not interested')").count(), 1);
    assert.equal(await page.evaluate<number>("window.scrollY"), scrolled);
    await page.screenshot({ path: screenshotPath("for-you-dismissed") });
    // and on the next visit it is gone
    await page.goto(`${base}/for-you`);
    assert.equal(await page.locator(`.paper-card[data-arxiv-id="${first}"]`).count(), 0);
  });

  test("in place, Not interested unsaves and Save undoes Not interested: both buttons follow", async () => {
    await page.goto(`${base}/for-you`);
    const id = (await page.locator(".paper-card").nth(1).getAttribute("data-arxiv-id")) as string;
    const card = page.locator(`.paper-card[data-arxiv-id="${id}"]`);
    await card.locator("button:text-is('Save')").click();
    await card.locator("button:has-text('Saved ✓ (undo)')").waitFor();
    await card.locator("button:text-is('Not interested')").click();
    await page.locator(`.paper-card.dismissed[data-arxiv-id="${id}"]`).waitFor();
    await card.locator("button:has-text('Undo not interested')").click();
    await page.locator(`.paper-card:not(.dismissed)[data-arxiv-id="${id}"]`).waitFor();
    // the dismissal took it off the reading list and its undo put it back: the card says so
    // without a reload
    assert.equal(await card.locator("button:has-text('Saved ✓ (undo)')").count(), 1);
    const saves = async () =>
      (await t.db.query<{ n: number }>("select count(*)::int as n from saves where arxiv_id = $1", [id]))[0]
        .n;
    assert.equal(await saves(), 1);
    // Not interested again: off the reading list, the Save button back
    await card.locator("button:text-is('Not interested')").click();
    await page.locator(`.paper-card.dismissed[data-arxiv-id="${id}"]`).waitFor();
    assert.equal(await card.locator("button:text-is('Save')").count(), 1);
    assert.equal(await saves(), 0);
    await card.locator("button:has-text('Undo not interested')").click();
    await page.locator(`.paper-card:not(.dismissed)[data-arxiv-id="${id}"]`).waitFor();
    // on the paper's page: Not interested, then Save, which undoes it
    await page.goto(`${base}/papers/${id}`);
    const box = page.locator(".library-box");
    await box.locator("button:text-is('Not interested')").click();
    await box.locator("button:has-text('Undo not interested')").waitFor();
    await box.locator("button:text-is('Save')").click();
    await box.locator("button:has-text('Saved ✓ (undo)')").waitFor();
    assert.equal(await box.locator("button:text-is('Not interested')").count(), 1);
    const [d] = await t.db.query<{ n: number }>(
      "select count(*)::int as n from dismissals where arxiv_id = $1",
      [id],
    );
    assert.equal(d.n, 0);
  });
});
