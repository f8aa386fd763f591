import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ensureSubscriber } from "../../src/email/subscribers-store.ts";
import { importSampleIfEmpty } from "../../src/ingest/sample.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";
import { insertPapers, makePaper } from "../helpers/factories.ts";

/** The value of one series in a Prometheus text exposition, or undefined when absent. */
function sample(body: string, series: string): number | undefined {
  const line = body.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const backend of testBackends()) {
  describe(`health, readiness and metrics on ${backend}`, () => {
    let t: TestApp;
    let other: TestApp;
    before(async () => {
      t = await openTestApp(backend);
      other = await openTestApp(backend);
      await importSampleIfEmpty(t.db);
    });
    after(async () => {
      await t.close();
      await other.close();
    });

    test("/healthz answers at once; /readyz is 503 naming what is missing until the indexes load", async () => {
      const health = await t.app.inject("/healthz");
      assert.equal(health.statusCode, 200);
      const before = await t.app.inject("/readyz");
      assert.equal(before.statusCode, 503);
      assert.equal(before.json().checks.keywordIndex, "loading");
      assert.equal(before.json().checks.database, "ok");
      await t.services.search.warm();
      const ready = await t.app.inject("/readyz");
      assert.equal(ready.statusCode, 200, ready.body);
      assert.deepEqual(ready.json().checks, {
        database: "ok",
        migrations: "ok",
        keywordIndex: "ok",
        vectorIndex: "no embedding model yet (keyword results)",
      });
    });

    test("/readyz is 503 when the schema is not the one the code expects", async () => {
      await t.db.query("insert into schema_migrations (version, name) values (9999, '9999_from_the_future')");
      try {
        const r = await t.app.inject("/readyz");
        assert.equal(r.statusCode, 503);
        assert.match(r.json().checks.migrations, /schema has version 9999, newer than this code/);
      } finally {
        await t.db.query("delete from schema_migrations where version = 9999");
      }
      const [last] = await t.db.query<{ version: number; name: string }>(
        "delete from schema_migrations where version = (select max(version) from schema_migrations) returning version, name",
      );
      try {
        const r = await t.app.inject("/readyz");
        assert.equal(r.statusCode, 503);
        assert.equal(r.json().checks.migrations, `migrations not applied yet: ${last.version}`);
      } finally {
        await t.db.query("insert into schema_migrations (version, name) values ($1, $2)", [
          last.version,
          last.name,
        ]);
      }
    });

    test("requests are counted by route pattern and status, searches by mode", async () => {
      const [paper] = await t.db.query<{ arxiv_id: string }>("select arxiv_id from papers limit 1");
      for (const url of [`/papers/${paper.arxiv_id}`, "/papers/2401.99999", "/no/such/page", "/nope2"])
        await t.app.inject(url);
      await t.app.inject("/api/papers/search?q=learning");
      await t.app.inject("/search?q=learning&mode=keyword");
      const m = await t.app.inject("/metrics");
      assert.equal(m.statusCode, 200);
      assert.match(String(m.headers["content-type"]), /^text\/plain; version=0\.0\.4/);
      const body = m.body;
      const route = (r: string, status: number) =>
        sample(
          body,
          `dailypapers_http_request_duration_seconds_count{route="${r}",method="GET",status="${status}"}`,
        );
      assert.equal(route("/papers/*", 200), 1);
      assert.equal(route("/papers/*", 404), 1);
      assert.equal(route("unmatched", 404), 2, "unknown URLs share one series");
      assert.ok(!body.includes("/no/such/page"));
      assert.equal(sample(body, 'dailypapers_search_duration_seconds_count{mode="keyword"}'), 2);
      // A second app in the same process has a registry of its own.
      const theirs = await other.app.inject("/metrics");
      assert.equal(
        sample(
          theirs.body,
          'dailypapers_http_request_duration_seconds_count{route="/papers/*",method="GET",status="200"}',
        ),
        undefined,
      );
    });

    test("index lag, outbox depth and import counters are read from the database", async () => {
      await t.services.search.warm();
      let body = (await t.app.inject("/metrics")).body;
      assert.equal(sample(body, 'dailypapers_search_index_lag_rows{index="keyword"}'), 0);
      assert.equal(sample(body, 'dailypapers_search_index_lag_seconds{index="keyword"}'), 0);
      await insertPapers(t.db, [makePaper(), makePaper()]);
      const sub = await ensureSubscriber(t.db, "reader@example.org", { confirmed: true, now: new Date() });
      await t.db.query(
        `insert into digest_outbox (subscriber_id, period, window_start, window_end)
         values ($1, 'daily:2026-12-01', now() - interval '1 day', now())`,
        [sub.id],
      );
      body = (await t.app.inject("/metrics")).body;
      assert.equal(sample(body, 'dailypapers_search_index_lag_rows{index="keyword"}'), 2);
      assert.ok((sample(body, 'dailypapers_search_index_lag_seconds{index="keyword"}') ?? -1) >= 0);
      assert.equal(sample(body, 'dailypapers_outbox_rows{status="pending"}'), 1);
      const [cp] = await t.db.query<{ inserted: number }>(
        "select (counts->>'inserted')::int as inserted from import_checkpoints where kind = 'arxiv-snapshot'",
      );
      assert.ok(cp.inserted > 0);
      assert.equal(
        sample(body, 'dailypapers_import_records{kind="arxiv-snapshot",outcome="inserted"}'),
        cp.inserted,
      );
      await t.services.search.warm();
      body = (await t.app.inject("/metrics")).body;
      assert.equal(sample(body, 'dailypapers_search_index_lag_rows{index="keyword"}'), 0);
    });
  });
}
