import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { type IndexDoc, KeywordIndex } from "../../src/search/keyword-index.ts";
import { loadKeywordIndex, saveKeywordIndex } from "../../src/search/keyword-index-file.ts";
import { KeywordSearcher } from "../../src/search/keyword-searcher.ts";
import { createSearchService } from "../../src/search/service.ts";
import { analyze } from "../../src/search/text.ts";
import { openTestDb, testBackends } from "../helpers/db.ts";
import { insertPapers, makePaper } from "../helpers/factories.ts";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dp-kwidx-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const WORDS = "graph neural network diffusion model protein folding medical benchmark robot policy".split(
  " ",
);
function docs(n: number): IndexDoc[] {
  return Array.from({ length: n }, (_, i) => ({
    arxivId: `2401.${String(i).padStart(5, "0")}`,
    title: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} study ${i}`,
    authors: `Author ${i % 13}, Writer ${i % 5}`,
    abstract: Array.from({ length: 20 + (i % 30) }, (_, j) => WORDS[(i * 31 + j * 17) % WORDS.length]).join(
      " ",
    ),
    categories: [i % 2 ? "cs.LG" : "cs.CV", "stat.ML"],
    publishedDay: `2024-0${1 + (i % 9)}-1${i % 10}`,
    modifiedMs: 1_700_000_000_000 + i,
  }));
}
const QUERIES = ["graph", "medical benchmark", "protein folding robot", "diffusion"];

function ranked(ix: KeywordIndex, q: string) {
  return ix.rank({ terms: analyze(q), k: 50, categories: q.includes("robot") ? ["cs"] : undefined });
}

describe("the keyword index file", () => {
  const file = path.join(tmp, "unit.idx");
  const source = new KeywordIndex();
  for (const d of docs(500)) source.add(d);
  // A superseded version and a deleted paper: neither may come back from the file.
  source.add({ ...docs(1)[0], title: "replaced title", modifiedMs: 2e12 });
  source.remove("2401.00007");

  test("round-trips: the loaded index ranks exactly as the saved one, without dead papers", () => {
    saveKeywordIndex(source, 123_456, file);
    const loaded = loadKeywordIndex(file, source.params);
    assert.ok(loaded.ok, loaded.ok ? "" : loaded.reason);
    assert.equal(loaded.watermarkMs, 123_456);
    assert.equal(loaded.index.size, 499);
    assert.equal(loaded.index.deadRatio, 0);
    assert.equal(loaded.index.modifiedMsOf("2401.00007"), undefined);
    // Compaction renumbers papers and leaves the dead out of N, so the reference is an index
    // built afresh from the same live papers in the same order.
    const expected = new KeywordIndex();
    for (const d of docs(500)) if (d.arxivId !== "2401.00000" && d.arxivId !== "2401.00007") expected.add(d);
    expected.add({ ...docs(1)[0], title: "replaced title", modifiedMs: 2e12 });
    for (const q of QUERIES) {
      const a = ranked(expected, q);
      const b = ranked(loaded.index, q);
      assert.equal(b.total, a.total, q);
      assert.deepEqual(
        b.docs.map((d) => d.arxivId),
        a.docs.map((d) => d.arxivId),
        q,
      );
    }
    // Still a live index: papers can be added and replaced after loading.
    loaded.index.add({ ...docs(1)[0], arxivId: "2402.00001", title: "zygote" });
    assert.equal(loaded.index.rank({ terms: analyze("zygote"), k: 5 }).docs[0]?.arxivId, "2402.00001");
  });

  test("a truncated file, a file of another format and a flipped byte are each refused with a reason", () => {
    saveKeywordIndex(source, 1, file);
    const good = fs.readFileSync(file);
    const variants: [string, Buffer, RegExp][] = [
      ["truncated", good.subarray(0, good.length - 100), /truncated/],
      [
        "old format",
        Buffer.from(good.toString("latin1").replace('"format":1', '"format":0'), "latin1"),
        /format 0/,
      ],
      [
        "flipped byte",
        Buffer.concat([
          good.subarray(0, good.length - 10),
          Buffer.from([good[good.length - 10] ^ 0xff]),
          good.subarray(good.length - 9),
        ]),
        /checksum/,
      ],
      ["not an index", Buffer.from("hello"), /not a keyword index/],
    ];
    for (const [name, bytes, reason] of variants) {
      fs.writeFileSync(file, bytes);
      const r = loadKeywordIndex(file, source.params);
      assert.equal(r.ok, false, name);
      assert.match(r.ok ? "" : r.reason, reason, name);
    }
    assert.deepEqual(loadKeywordIndex(path.join(tmp, "missing.idx"), source.params), {
      ok: false,
      reason: "no index file",
    });
  });
});

for (const backend of testBackends()) {
  describe(`a searcher with an index file (${backend})`, () => {
    test("loads the file at start, catches up additions and deletions, and rebuilds a corrupt file while answering", async () => {
      const db = await openTestDb(backend);
      const file = path.join(tmp, `${backend}.idx`);
      try {
        const papers = Array.from({ length: 40 }, (_, i) =>
          makePaper({ arxivId: `2405.${String(100 + i).padStart(5, "0")}`, title: `Quokka study ${i}` }),
        );
        await insertPapers(db, papers);
        const first = new KeywordSearcher({ file });
        const q = { q: "quokka", limit: 100 };

        assert.equal((await createSearchService({ db, keyword: first }).search(q)).total, 40);
        assert.equal(first.status().source, "table");
        assert.ok(fs.existsSync(file), "the first build is written out");

        // Another process, later: one paper added and one deleted meanwhile.
        await insertPapers(db, [makePaper({ arxivId: "2405.99999", title: "Quokka latecomer" })]);
        await db.query("delete from papers where arxiv_id = $1", ["2405.00100"]);
        const second = new KeywordSearcher({ file });
        const r = await createSearchService({ db, keyword: second }).search(q);
        assert.equal(second.status().source, "file");
        assert.equal(r.total, 40);
        const ids = r.hits.map((h) => h.arxivId);
        assert.ok(ids.includes("2405.99999"), "a paper added after the file was written is found");
        assert.ok(!ids.includes("2405.00100"), "a deleted paper leaves the results");

        // A corrupt file: the search still answers (from the table-built index) and the file is rewritten.
        const bytes = fs.readFileSync(file);
        bytes[bytes.length - 1] ^= 0xff;
        fs.writeFileSync(file, bytes);
        const events: string[] = [];
        const third = new KeywordSearcher({ file, buildWaitMs: 0, onEvent: (m) => events.push(m) });
        const during = await createSearchService({ db, keyword: third }).search(q);
        assert.match(events.join("\n"), /checksum mismatch/);
        if (third.status().state === "building")
          assert.match(during.query.notices.join(" "), /still being built/);
        const deadline = Date.now() + 10_000;
        while (third.status().state !== "ready" && Date.now() < deadline)
          await new Promise((r) => setImmediate(r));
        assert.equal((await createSearchService({ db, keyword: third }).search(q)).total, 40);
        assert.ok(loadKeywordIndex(file, third.index.params).ok, "the rebuilt index was written back");

        // A file from another database (here: the table emptied behind its back) is not trusted.
        await db.query("delete from feed_entries");
        await db.query("delete from papers where title like 'Quokka study 1%'");
        await db.query("delete from paper_deletions");
        const fourth = new KeywordSearcher({ file, onEvent: (m) => events.push(m) });
        await createSearchService({ db, keyword: fourth }).search(q);
        const until = Date.now() + 10_000;
        while (!events.some((e) => e.includes("rebuilt")) && Date.now() < until)
          await new Promise((r) => setTimeout(r, 5));
        assert.match(events.join("\n"), /disagrees with the table/);
        assert.equal((await createSearchService({ db, keyword: fourth }).search(q)).total, 29);
      } finally {
        await db.close();
      }
    });
  });
}
