/**
 * Builds sample/, the real papers `dailypapers start` loads into an empty database:
 * the newest Hugging Face feed days (kept as daily_papers JSON, so the sample goes through the
 * real importer), 2024-08-09 (GMAI-MMBench), the wrapped 2025-01-10 file (its entries are
 * Python repr strings, the importer's odd case), and the first 200 lines of arXiv's snapshot.
 * Fields the importer ignores (thumbnails, organisations, media, author account objects) are
 * dropped to keep the sample small; everything else is byte-for-byte the collected data.
 *
 *   node --import tsx scripts/build-sample.ts [--days 14] [--shared ../shared/data]
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { days: { type: "string", default: "14" }, shared: { type: "string", default: "../shared/data" } },
});
const shared = path.resolve(values.shared);
const out = path.resolve("sample");
const hfOut = path.join(out, "hf-daily");
const days = Number(values.days);

const PAPER_FIELDS = [
  "id",
  "title",
  "summary",
  "authors",
  "publishedAt",
  "upvotes",
  "submittedOnDailyAt",
  "submittedOnDailyBy",
  "githubRepo",
  "githubStars",
  "projectPage",
  "ai_summary",
  "ai_keywords",
];
const ENTRY_FIELDS = ["paper", "publishedAt", "title", "numComments", "submittedBy"];
const USER_FIELDS = ["name", "user", "fullname", "avatarUrl"];

function pick(obj: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.filter((f) => obj[f] !== undefined).map((f) => [f, obj[f]]));
}

function trimEntry(entry: unknown): unknown {
  if (typeof entry !== "object" || entry === null) return entry; // repr strings stay as collected
  const e = pick(entry as Record<string, unknown>, ENTRY_FIELDS);
  const paper = pick(e.paper as Record<string, unknown>, PAPER_FIELDS);
  paper.authors = (paper.authors as Record<string, unknown>[]).map((a) => pick(a, ["name", "hidden"]));
  if (paper.submittedOnDailyBy)
    paper.submittedOnDailyBy = pick(paper.submittedOnDailyBy as never, USER_FIELDS);
  if (e.submittedBy) e.submittedBy = pick(e.submittedBy as never, USER_FIELDS);
  return { ...e, paper };
}

function trimFile(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(trimEntry);
  const w = json as { data: unknown[] };
  return { ...w, data: w.data.map(trimEntry) };
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(hfOut, { recursive: true });
const hfDir = path.join(shared, "hf-daily");
const dayFiles = fs
  .readdirSync(hfDir)
  .filter((n) => /^\d{4}-\d{2}-\d{2}\.json$/.test(n))
  .sort();
const chosen = new Set([...dayFiles.slice(-days), "2024-08-09.json", "2025-01-10.json"]);
for (const name of chosen) {
  const json = JSON.parse(fs.readFileSync(path.join(hfDir, name), "utf8"));
  fs.writeFileSync(path.join(hfOut, name), `${JSON.stringify(trimFile(json))}\n`);
}
fs.copyFileSync(path.join(hfDir, "LICENSE.source-repo"), path.join(hfOut, "LICENSE.source-repo"));
const snapshot = fs.readFileSync(
  path.join(shared, "arxiv/snapshot/arxiv-metadata-oai-snapshot.head.jsonl"),
  "utf8",
);
fs.writeFileSync(path.join(out, "arxiv-snapshot.jsonl"), snapshot);
fs.writeFileSync(
  path.join(out, "README.md"),
  `# Sample data

\`dailypapers start\` imports this folder into an empty database so a new install shows a
populated site. Rebuild it with \`node --import tsx scripts/build-sample.ts\`.

- \`hf-daily/\`: ${chosen.size} real Hugging Face \`/api/daily_papers\` responses (the newest ${days}
  feed days, 2024-08-09, and 2025-01-10, whose entries are Python repr strings), collected by
  the public repository 2404589803/hf-daily-paper-newsletter-chinese (Apache-2.0, see
  \`hf-daily/LICENSE.source-repo\`). Fields the importer ignores were removed.
- \`arxiv-snapshot.jsonl\`: the first 200 records of arXiv's metadata snapshot (0704.0001 to
  0704.0200). arXiv's descriptive metadata is CC0 1.0.
`,
);
let bytes = 0;
for (const f of fs.readdirSync(out, { recursive: true }) as string[]) {
  const s = fs.statSync(path.join(out, f));
  if (s.isFile()) bytes += s.size;
}
process.stdout.write(
  `sample/: ${chosen.size} feed days and 200 snapshot records, ${(bytes / 1e6).toFixed(2)} MB\n`,
);
