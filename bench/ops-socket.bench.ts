/**
 * Does a long CLI job through the server's socket starve the site? A real `serve` process on a
 * data directory with the shipped sample; a probe fetches a feed page, a paper page, a search and
 * an API page in turn, one at a time, and records each latency:
 *   1. idle (the reference),
 *   2. while `dailypapers import arxiv-snapshot` of RECORDS generated lines runs through the socket,
 *   3. while `dailypapers backup` runs through the socket.
 * Side by side, the same import into a data directory nobody serves (the files, directly), for
 * the import's own cost of going through the socket. Writes bench/results/ops-socket.md.
 *
 *   node --import tsx bench/ops-socket.bench.ts [--records 20000]
 */
import { execSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { cli, serverProcess } from "../test/helpers/processes.ts";
import { writeSyntheticSnapshot } from "../test/helpers/synthetic.ts";

const { values } = parseArgs({ options: { records: { type: "string", default: "20000" } } });
const RECORDS = Number(values.records);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "dp-bench-socket-"));
const snapshot = path.join(root, "snapshot.jsonl");
writeSyntheticSnapshot(snapshot, RECORDS, 2201);
const load = () => execSync("uptime").toString().trim();

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : Number.NaN;
};

/** Probes the site until `until` settles; returns the latencies (ms) and failures. */
async function probe(base: string, until: Promise<unknown>, minMs = 0) {
  const paths = ["/", "/papers/0704.0001", "/search?q=neural+networks", "/api/daily_papers?limit=20"];
  const lat: number[] = [];
  let failures = 0;
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const started = Date.now();
  for (let i = 0; !done || Date.now() - started < minMs; i++) {
    const t = performance.now();
    const res = await fetch(base + paths[i % paths.length]).catch(() => null);
    await res?.arrayBuffer();
    if (!res || res.status >= 500) failures++;
    lat.push(performance.now() - t);
  }
  return { lat, failures };
}

const row = (name: string, r: { lat: number[]; failures: number }, seconds?: number) =>
  `| ${name} | ${r.lat.length} | ${pct(r.lat, 50).toFixed(0)} | ${pct(r.lat, 95).toFixed(0)} | ${pct(r.lat, 99).toFixed(0)} | ${Math.max(...r.lat).toFixed(0)} | ${r.failures} | ${seconds === undefined ? "" : seconds.toFixed(1)} |`;

const before = load();
const served = path.join(root, "served");
const server = await serverProcess(served, { command: "start" });
// Let the start-up work (first embedding pass) settle before the reference window.
await new Promise((r) => setTimeout(r, 15_000));
const idle = await probe(server.url, new Promise((r) => setTimeout(r, 20_000)));

let t = Date.now();
const importing = cli(served, ["import", "arxiv-snapshot", snapshot]);
const during = await probe(server.url, importing);
const socketImport = await importing;
const socketSeconds = (Date.now() - t) / 1000;
if (socketImport.code !== 0) throw new Error(socketImport.stderr);

t = Date.now();
const backingUp = cli(served, ["backup", path.join(root, "backup.sql")]);
const duringBackup = await probe(server.url, backingUp);
const backup = await backingUp;
const backupSeconds = (Date.now() - t) / 1000;
if (backup.code !== 0) throw new Error(backup.stderr);
await server.stop("SIGTERM");

// The reference for the import itself: the same file into files nobody serves.
const alone = path.join(root, "alone");
await cli(alone, ["status"]);
t = Date.now();
const direct = await cli(alone, ["import", "arxiv-snapshot", snapshot]);
const directSeconds = (Date.now() - t) / 1000;
if (direct.code !== 0) throw new Error(direct.stderr);
const after = load();

const ratio = (a: number, b: number) => (a / b).toFixed(1);
const out = `# Site latency while CLI jobs run through the server's socket (PGlite)

\`node --import tsx bench/ops-socket.bench.ts --records ${RECORDS}\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.
Load before: \`${before}\`; after: \`${after}\` (2 cores shared with other work: absolute figures are noisy, the ratios within one run less so).

A real \`start\` process (shipped sample), probed one request at a time in turn: feed \`/\`, a paper page, a search page, \`/api/daily_papers\`.

| window | requests | p50 ms | p95 ms | p99 ms | max ms | failures | job s |
|---|---|---|---|---|---|---|---|
${row("idle (reference)", idle)}
${row(`import of ${RECORDS} lines through the socket`, during, socketSeconds)}
${row("backup through the socket", duringBackup, backupSeconds)}

- During the import: p50 ${ratio(pct(during.lat, 50), pct(idle.lat, 50))}× idle, p99 ${ratio(pct(during.lat, 99), pct(idle.lat, 99))}× idle, ${during.failures} failures. Each import batch is one transaction that holds PGlite's one session; the site's queries queue behind the batch in progress and run before the next one (first come, first served), so a page waits at most about one batch.
- The import itself: ${socketSeconds.toFixed(1)} s through the socket against ${directSeconds.toFixed(1)} s on files nobody serves (${ratio(socketSeconds, directSeconds)}×), i.e. ${Math.round(RECORDS / socketSeconds)} against ${Math.round(RECORDS / directSeconds)} lines/s. At that rate the full 2.8M-line snapshot takes about ${(2_800_000 / (RECORDS / socketSeconds) / 3600).toFixed(1)} h through the socket.
- A backup reads everything in one snapshot transaction, so on PGlite the site waits for it: ${backupSeconds.toFixed(1)} s here (sample + ${RECORDS} papers). On Postgres a backup waits for nothing.
`;
fs.mkdirSync("bench/results", { recursive: true });
fs.writeFileSync("bench/results/ops-socket.md", out);
process.stdout.write(out);
fs.rmSync(root, { recursive: true, force: true });
