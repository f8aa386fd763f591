/**
 * OAI-PMH parse-and-store rate, each step beside its reference in the same run, rounds
 * interleaved so that the machine's load falls on both sides alike. Pages of 1,000 records made
 * of the real recorded records (both formats), each copy under a new id. Per format:
 * - parse: fast-xml-parser with its validator as a separate pass (the harvester until
 *   2026-11), fast-xml-parser alone (until this change, no well-formedness check but the
 *   closing tag), and parseXml (saxes: one pass, checked, a strict XML 1.0 parser);
 * - store, per backend (PGlite on a data directory), one page per transaction: upsertPapers (one JSON statement, until this
 *   change), mergePapers (COPY and one merge, now), and a plain COPY of the same rows into
 *   papers (the floor); then each page stored again, nothing changed;
 * - the whole harvest: `harvest()` against a local OAI-PMH server without pacing: fetch, parse,
 *   limits, store, the day's feed and the checkpoint, page by page.
 * Goal (issue 11): parse and store at least 2,000 records/s. Writes bench/results/oai.md.
 *
 *   node --import tsx bench/oai.bench.ts [--backends pglite,postgres] [--rounds 5]
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { Db } from "../src/db/client.ts";
import { openPglite } from "../src/db/client.ts";
import { migrate } from "../src/db/migrate.ts";
import { harvest } from "../src/ingest/oai/harvest.ts";
import { type OaiPage, oaiPageFromDocument, parseOaiPage } from "../src/ingest/oai/parse.ts";
import { mergePapers, PAPER_COPY_COLUMNS, paperCopyRow, upsertPapers } from "../src/papers/store.ts";
import type { PaperInput } from "../src/papers/types.ts";
import { openTestDb } from "../test/helpers/db.ts";

const { values } = parseArgs({
  options: {
    backends: { type: "string", default: process.env.TEST_DATABASE_URL ? "pglite,postgres" : "pglite" },
    rounds: { type: "string", default: "5" },
  },
});
type Backend = "pglite" | "postgres";
const BACKENDS = values.backends.split(",") as Backend[];
const ROUNDS = Number(values.rounds);
const PAGE = 1000;
const FORMATS = ["arXiv", "arXivRaw"] as const;
type Format = (typeof FORMATS)[number];

const DATA = path.resolve("../shared/data/arxiv/oai-pmh");
const SOURCES: Record<Format, string[]> = {
  arXiv: [
    "hepcrawl/functional__arxiv__fixtures__http_server__records__arxiv-physics-hep-th.xml",
    "hepcrawl/functional__arxiv__fixtures__http_server__records__arxiv-physics-hep-ex.xml",
    "hepcrawl/unit__responses__arxiv__sample_arxiv_record.xml",
  ],
  arXivRaw: ["arXivOAIHarvester/ListRecordsResponse.xml"],
};
const SHAPES = Object.fromEntries(
  FORMATS.map((f) => [
    f,
    SOURCES[f].flatMap((file) =>
      [...fs.readFileSync(path.join(DATA, file), "utf8").matchAll(/<record>[\s\S]*?<\/record>/g)].map(
        (m) => m[0],
      ),
    ),
  ]),
) as Record<Format, string[]>;

/** Page `k` of a list: ids YYMM.NNNNN from `month` (each side of a comparison has its own). */
function page(format: Format, month: number, k: number, pages: number): string {
  const records = Array.from({ length: PAGE }, (_, i) => {
    const id = `${2000 + month}.${String(k * PAGE + i).padStart(5, "0")}`;
    return SHAPES[format][i % SHAPES[format].length]
      .replace(/<identifier>oai:arXiv\.org:[^<]+/, `<identifier>oai:arXiv.org:${id}`)
      .replace(/<id>[^<]+<\/id>/, `<id>${id}</id>`);
  });
  const token = k + 1 < pages ? `bench|${k + 1}` : "";
  return `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2026-12-02T00:00:00Z</responseDate>
<request verb="ListRecords">http://export.arxiv.org/oai2</request><ListRecords>
${records.join("\n")}
<resumptionToken cursor="${k * PAGE}" completeListSize="${pages * PAGE}">${token}</resumptionToken></ListRecords></OAI-PMH>`;
}

const fxpParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ["record", "setSpec", "author", "version"].includes(name),
});
const PARSERS: [string, (xml: string) => OaiPage][] = [
  [
    "fast-xml-parser, validator as a separate pass (2026-11)",
    (xml) => {
      if (XMLValidator.validate(xml) !== true) throw new Error("invalid");
      return oaiPageFromDocument(fxpParser.parse(xml), xml);
    },
  ],
  [
    "fast-xml-parser, no well-formedness check (before)",
    (xml) => oaiPageFromDocument(fxpParser.parse(xml), xml),
  ],
  ["parseXml: saxes, checked in the same pass (now)", parseOaiPage],
];

const papersOf = (p: OaiPage) => p.records.map((r) => r.paper).filter((x): x is PaperInput => x !== null);
const rate = (records: number, ms: number) => Math.round(records / (ms / 1000)).toLocaleString("en-US");
const loadNow = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ");

function parseRows(format: Format): string[] {
  const xmls = Array.from({ length: ROUNDS }, (_, k) => page(format, 1, k, ROUNDS));
  const ms = PARSERS.map(() => 0);
  for (const xml of xmls.slice(0, 1)) for (const [, parse] of PARSERS) parse(xml); // warm up
  for (const xml of xmls)
    PARSERS.forEach(([, parse], i) => {
      const t = performance.now();
      const n = papersOf(parse(xml)).length;
      ms[i] += performance.now() - t;
      if (n !== PAGE) throw new Error(`parsed ${n} records`);
    });
  return PARSERS.map(
    ([name], i) => `| ${format} | ${name} | ${rate(ROUNDS * PAGE, ms[i])} | ${ratio(ms[i], ms.at(-1))} |`,
  );
}

/** How many times faster `now` is than `ms` took. */
const ratio = (ms: number, now = ms) => `${(ms / now).toFixed(2)}×`;

type Store = (db: Db, papers: PaperInput[]) => Promise<unknown>;
const STORES: [string, Store, boolean][] = [
  [
    "upsertPapers: one JSON statement (before)",
    (db, ps) => db.transaction((tx) => upsertPapers(tx, ps)),
    true,
  ],
  ["mergePapers: COPY and one merge (now)", (db, ps) => db.transaction((tx) => mergePapers(tx, ps)), true],
  [
    "plain COPY of the same rows into papers (floor)",
    (db, ps) =>
      db.transaction((tx) => tx.copyFrom("papers", PAPER_COPY_COLUMNS, ps.map(paperCopyRow).join(""))),
    false,
  ],
];

// PGlite on a data directory, as `dailypapers` runs it: in memory its file system grows each
// file by copying it, which made every write several times slower than on disk.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dp-bench-oai-"));

async function openBenchDb(backend: Backend): Promise<Db> {
  if (backend === "postgres") return openTestDb(backend);
  const db = await openPglite(dataDir);
  await migrate(db);
  return db;
}

async function storeRows(db: Db, backend: Backend, format: Format, month: number): Promise<string[]> {
  // Parsed beforehand: only the store is timed. Each side has its own ids (its own month).
  const pages = STORES.map((_, s) =>
    Array.from({ length: ROUNDS }, (_, k) => papersOf(parseOaiPage(page(format, month + s, k, ROUNDS)))),
  );
  const fresh = STORES.map(() => 0);
  const again = STORES.map(() => 0);
  for (let k = 0; k < ROUNDS; k++)
    for (const [s, [, store]] of STORES.entries()) {
      const t = performance.now();
      await store(db, pages[s][k]);
      fresh[s] += performance.now() - t;
    }
  for (let k = 0; k < ROUNDS; k++)
    for (const [s, [, store, idempotent]] of STORES.entries()) {
      if (!idempotent) continue;
      const t = performance.now();
      await store(db, pages[s][k]);
      again[s] += performance.now() - t;
    }
  const n = ROUNDS * PAGE;
  return STORES.map(
    ([name, , idempotent], s) =>
      `| ${backend} | ${format} | ${name} | ${rate(n, fresh[s])} | ${ratio(fresh[s], fresh[1])} | ${idempotent ? `${rate(n, again[s])} | ${ratio(again[s], again[1])}` : "– | –"} |`,
  );
}

/** A local OAI-PMH endpoint serving `pages` pages of one format, linked by resumption tokens. */
async function oaiServer(format: Format, month: number, pages: number) {
  const bodies = Array.from({ length: pages }, (_, k) => page(format, month, k, pages));
  const server = http.createServer((req, res) => {
    const token = new URL(req.url ?? "/", "http://x").searchParams.get("resumptionToken");
    res.writeHead(200, { "content-type": "text/xml; charset=utf-8" });
    res.end(bodies[token ? Number(token.split("|")[1]) : 0]);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oai2`;
  return { url, close: () => new Promise((resolve) => server.close(resolve)) };
}

async function harvestRow(db: Db, backend: Backend, format: Format, month: number): Promise<string> {
  const server = await oaiServer(format, month, ROUNDS);
  try {
    const t = performance.now();
    const r = await harvest(db, { format }, { oaiUrl: server.url, delayMs: 0, feed: { date: "2026-12-02" } });
    const ms = performance.now() - t;
    if (r.inserted !== ROUNDS * PAGE) throw new Error(`harvest stored ${r.inserted}`);
    return `| ${backend} | ${format} | ${r.pages} × 1,000 | ${rate(r.records, ms)} | ${loadNow()} |`;
  } finally {
    await server.close();
  }
}

const started = { at: new Date().toISOString(), load: loadNow() };
const parsing = FORMATS.flatMap(parseRows);
const storing: string[] = [];
const harvesting: string[] = [];
for (const backend of BACKENDS) {
  const db = await openBenchDb(backend);
  try {
    for (const [f, format] of FORMATS.entries()) {
      storing.push(...(await storeRows(db, backend, format, 10 + f * 10)));
      harvesting.push(await harvestRow(db, backend, format, 50 + f));
    }
  } finally {
    await db.close();
  }
}
fs.rmSync(dataDir, { recursive: true, force: true });
const cpu = os.cpus();
const report = `# OAI-PMH parse-and-store benchmark

\`node --import tsx bench/oai.bench.ts\` (${BACKENDS.join(", ")}; ${ROUNDS} pages of 1,000 records per format and side).
Pages are made of the real recorded records (../shared/data/arxiv/oai-pmh, ids rewritten),
about 2.3 KB a record in arXiv format and 1.7 KB in arXivRaw. Each comparison runs both sides
in this run, page by page in turn; the ratio is how many times longer a side took than the one
marked "now". Goal (issue 11): parse and store at least 2,000 records/s, so that the harvester
never matters next to arXiv's pacing (a page of 1,000 records per ≥ 3 s, ≤ 333 records/s).

Run at ${started.at}. Machine: ${cpu.length} cores (${cpu[0]?.model ?? "unknown"}), Node ${process.version},
shared with other jobs; load average (1 / 5 / 15 min, as \`uptime\` prints it) ${started.load} at the start.

## Parse (no database)

| format | parser | records/s | time ×  |
|---|---|---|---|
${parsing.join("\n")}

## Store, one page of 1,000 per transaction

| backend | format | how | new papers/s | time × | again, unchanged, papers/s | time × |
|---|---|---|---|---|---|---|
${storing.join("\n")}

## The whole harvest: fetch from a local server, parse, limits, store, feed, checkpoint

| backend | format | pages | records/s | load at end |
|---|---|---|---|---|
${harvesting.join("\n")}
`;
fs.writeFileSync(path.resolve("bench/results/oai.md"), report);
process.stdout.write(report);
