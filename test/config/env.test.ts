import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { cli } from "../helpers/processes.ts";

function refused(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

test("defaults are the README's", () => {
  const c = loadConfig({});
  assert.equal(c.dataDir, path.resolve("./data"));
  assert.deepEqual(
    [c.databaseUrl, c.host, c.port, c.baseUrl, c.secret, c.logLevel, c.trustProxy],
    [undefined, "127.0.0.1", 3000, "http://127.0.0.1:3000", undefined, "info", false],
  );
  assert.deepEqual(
    [c.arxivOaiUrl, c.arxivApiUrl, c.arxivDelayMs],
    ["https://oaipmh.arxiv.org/oai", "https://export.arxiv.org/api/query", 3000],
  );
  assert.deepEqual(
    [c.jobLeaseSeconds, c.embedIntervalSeconds, c.searchSyncSeconds, c.syncCron],
    [15, 30, 5, undefined],
  );
  assert.deepEqual([c.smtpUrl, c.mailFrom], [undefined, "Daily Papers <papers@localhost>"]);
  assert.deepEqual(
    [
      c.digestScheduler,
      c.pageCache,
      c.digestIntervalSeconds,
      c.digestSendRate,
      c.digestMaxBounces,
      c.digestLeaseSeconds,
    ],
    [false, true, 300, 10, 3, 15],
  );
  assert.deepEqual([c.submitMaxAgeDays, c.submitDailyLimit, c.submitMinAccountAgeHours], [14, 3, 72]);
  assert.deepEqual([c.embeddingUrl, c.llmUrl], [undefined, undefined]);
  // an empty variable is unset
  assert.deepEqual(
    loadConfig({ PORT: "", PAGE_CACHE: "", HOST: "0.0.0.0" }).baseUrl,
    "http://localhost:3000",
  );
});

test("a bad number names its variable and its range", () => {
  assert.equal(refused({ PORT: "abc" }), 'PORT must be a whole number from 0 to 65535, got "abc"');
  assert.match(refused({ PORT: "70000" }), /^PORT must be a whole number from 0 to 65535/);
  assert.match(refused({ PORT: "-1" }), /^PORT must be/);
  assert.equal(
    refused({ DIGEST_SEND_RATE: "2.5" }),
    'DIGEST_SEND_RATE must be a whole number of 0 or more, got "2.5"',
  );
  assert.equal(loadConfig({ PORT: " 8080 " }).port, 8080);
  // floors keep a worker from spinning, as before
  assert.equal(loadConfig({ DIGEST_INTERVAL_SECONDS: "1" }).digestIntervalSeconds, 10);
  assert.equal(loadConfig({ JOB_LEASE_SECONDS: "0" }).jobLeaseSeconds, 2);
});

test("every on/off variable reads the same words, and refuses others", () => {
  for (const [word, value] of [
    ["true", true],
    ["1", true],
    ["Yes", true],
    ["on", true],
    ["false", false],
    ["0", false],
    ["no", false],
    ["OFF", false],
  ] as const) {
    const c = loadConfig({ SYNC_ENABLED: word, DIGEST_SCHEDULER: word, PAGE_CACHE: word });
    assert.deepEqual([c.syncEnabled, c.digestScheduler, c.pageCache], [value, value, value], word);
  }
  assert.equal(
    refused({ PAGE_CACHE: "disabled" }),
    'PAGE_CACHE must be true or false (or 1/0, yes/no, on/off), got "disabled"',
  );
});

test("URLs and log levels are checked; all bad variables are listed at once", () => {
  assert.equal(
    refused({ BASE_URL: "papers.example" }),
    'BASE_URL must be a http:// or https:// URL, got "papers.example"',
  );
  assert.match(refused({ SMTP_URL: "http://mail" }), /^SMTP_URL must be a smtp:\/\/ or smtps:\/\/ URL/);
  assert.match(refused({ LOG_LEVEL: "verbose" }), /^LOG_LEVEL must be one of fatal, error, warn, info/);
  assert.equal(loadConfig({ BASE_URL: "https://papers.example/" }).baseUrl, "https://papers.example");
  const both = refused({ PORT: "abc", SYNC_TZ: "Mars/Olympus" }).split("\n");
  assert.equal(both.length, 2);
  assert.match(both[0], /^PORT /);
  assert.match(both[1], /^SYNC_TZ /);
  assert.deepEqual(loadConfig({ TRUST_PROXY: "2" }).trustProxy, 2);
  assert.deepEqual(loadConfig({ TRUST_PROXY: "10.0.0.1, 10.0.0.0/8" }).trustProxy, [
    "10.0.0.1",
    "10.0.0.0/8",
  ]);
});

test("the CLI prints a bad value as one line and exits 1", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "dp-config-"));
  try {
    const r = await cli(dir, ["serve"], { env: { PORT: "abc" } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: PORT must be a whole number from 0 to 65535, got "abc"\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
