import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import { harvest } from "../../src/ingest/oai/harvest.ts";
import type { Progress } from "../../src/ingest/progress.ts";
import { paperById, paperCount } from "../../src/papers/store.ts";
import { openTestDb, type TestDb, testBackends } from "../helpers/db.ts";

/** An arXivRaw record; `versions` as [number, RFC 2822 date]. */
function raw(id: string, title: string, versions: [number, string][], abstract = "An abstract.") {
  return `<record><header><identifier>oai:arXiv.org:${id}</identifier><datestamp>2024-01-0${versions.length}</datestamp><setSpec>cs</setSpec></header>
<metadata><arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>${id}</id><submitter>A. Person</submitter>
${versions.map(([v, date]) => `<version version="v${v}"><date>${date}</date><size>10kb</size></version>`).join("")}
<title>${title}</title><authors>A. Person, B. Other</authors><categories>cs.LG</categories>
<abstract>${abstract}</abstract></arXivRaw></metadata></record>`;
}

const deleted = (id: string) =>
  `<record><header status="deleted"><identifier>oai:arXiv.org:${id}</identifier><datestamp>2024-01-05</datestamp></header></record>`;

const envelope = (records: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-01-06T00:00:00Z</responseDate>
<request verb="ListRecords">http://export.arxiv.org/oai2</request><ListRecords>${records.join("\n")}
<resumptionToken cursor="0" completeListSize="${records.length}"/></ListRecords></OAI-PMH>`;

const V1 = "Mon, 1 Jan 2024 10:00:00 GMT";
const V2 = "Tue, 2 Jan 2024 10:00:00 GMT";

for (const backend of testBackends()) {
  describe(`OAI-PMH records on ${backend}: skipped, deleted, newest version, re-runs`, () => {
    let db: TestDb;
    let server: http.Server;
    let url: string;
    let body = "";
    before(async () => {
      db = await openTestDb(backend);
      server = http.createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/xml; charset=utf-8" });
        res.end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oai2`;
    });
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
      await db.close();
    });

    const run = async () => {
      const logged: string[] = [];
      const progress: Progress = {
        tick() {},
        setTotal() {},
        setStatus() {},
        log: (line) => void logged.push(line),
        count: 0,
        stop() {},
      };
      const r = await harvest(db, { format: "arXivRaw" }, { oaiUrl: url, delayMs: 0, progress });
      return { r, logged };
    };

    test("a page with bad records: they are reported and skipped, the rest stored once, newest version", async () => {
      body = envelope([
        raw("2401.00001", "Kept &amp; cleaned\u0001 title", [[1, V1]]),
        raw("2401.00002", "x".repeat(1001), [[1, V1]]),
        raw("2401.00003", "A date that is none", [[1, "not a date at all"]]),
        raw("2401.00004", "Second version", [
          [1, V1],
          [2, V2],
        ]),
        raw("2401.00004", "First version, later on the page", [[1, V1]]),
        deleted("2401.00005"),
      ]);
      const { r, logged } = await run();
      assert.deepEqual([r.records, r.inserted, r.updated, r.deleted, r.skipped], [6, 2, 0, 1, 2]);
      assert.deepEqual(logged, [
        "skipped 2401.00002: title of 1,001 characters (at most 1000)",
        'skipped 2401.00003: invalid date of v1: "not a date at all" is not a date',
      ]);
      assert.equal((await paperById(db, "2401.00001"))?.title, "Kept & cleaned title");
      const twice = await paperById(db, "2401.00004");
      assert.deepEqual([twice?.version, twice?.title], [2, "Second version"]);
      assert.equal(await paperCount(db), 2);
    });

    test("the same page again changes nothing; an older version later never overwrites a newer one", async () => {
      const again = await run();
      assert.deepEqual([again.r.inserted, again.r.updated, again.r.skipped], [0, 0, 2]);
      body = envelope([raw("2401.00004", "First version, a day later", [[1, V1]], "Older abstract.")]);
      const older = await run();
      assert.deepEqual([older.r.inserted, older.r.updated], [0, 0]);
      assert.equal((await paperById(db, "2401.00004"))?.title, "Second version");
      body = envelope([
        raw(
          "2401.00004",
          "Third version",
          [
            [1, V1],
            [2, V2],
            [3, V2],
          ],
          "Newer abstract.",
        ),
      ]);
      const newer = await run();
      assert.deepEqual([newer.r.inserted, newer.r.updated], [0, 1]);
      const p = await paperById(db, "2401.00004");
      assert.deepEqual([p?.version, p?.title, p?.abstract], [3, "Third version", "Newer abstract."]);
    });
  });
}
