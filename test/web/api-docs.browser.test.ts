import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { launchBrowser, screenshotPath } from "../helpers/browser.ts";

/**
 * The API reference at /api/docs renders in Chromium from the package's own script: no request
 * leaves the machine, and nothing breaks the page's Content-Security-Policy.
 */
let t: TestApp;
let browser: Browser;
let base: string;
before(async () => {
  t = await openTestApp("pglite");
  base = await t.listen();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test("/api/docs shows every endpoint offline and within the CSP, and the footer links to it", async () => {
  const page = await browser.newPage();
  const outside: string[] = [];
  const violations: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith("data:")) return route.continue();
    outside.push(url);
    return route.abort();
  });
  page.on("console", (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });

  await page.goto(`${base}/`);
  await page.click('footer a[href="/api/docs"]');
  await page.waitForURL(`${base}/api/docs`);
  const res = await page.request.get(`${base}/api/docs`);
  assert.match(res.headers()["content-security-policy"], /script-src 'self';/);
  // The reference lists the operations of the generated document.
  for (const summary of ["Papers of the daily feed", "Search papers", "One paper, as a flat object"])
    await page.getByText(summary, { exact: false }).first().waitFor({ timeout: 60_000 });
  await page.screenshot({ path: screenshotPath("api-docs"), fullPage: false });
  assert.deepEqual(outside, [], "no request leaves the machine");
  assert.deepEqual(violations, [], "no CSP violation");
  await page.close();
});
