import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const ARTIFACTS_DIR = path.resolve("test-artifacts");

/**
 * Debian's Chromium, headless. The background-networking flags matter here: this machine's
 * closed network refuses Chromium's own connections otherwise.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium (npm run test:all does)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Where a test keeps a screenshot for CI artifacts. */
export function screenshotPath(name: string): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, `${name}.png`);
}

/**
 * Keeps a received mail's HTML (NAME.html) and renders it in Chromium as a mail client would, to
 * NAME.png: it must load nothing from the network and fit 720 pixels without scrolling sideways.
 */
export async function screenshotMail(name: string, htmlPart: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS_DIR, `${name}.html`), htmlPart);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 720, height: 900 } });
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    await page.setContent(htmlPart, { waitUntil: "load" });
    assert.deepEqual(requests, [], `${name} loads nothing from the network`);
    const width = await page.evaluate<number>("document.documentElement.scrollWidth");
    assert.ok(width <= 720, `no horizontal scroll (${width}px)`);
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
  } finally {
    await browser.close();
  }
}
