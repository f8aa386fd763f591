/**
 * The eighth session's keyword-feature grid (bench/results/recommend.md): tune.ts once per keyword
 * setting, on the tuning draws (seeds 90,000 and up), each over the site's other defaults.
 * `node --import tsx bench/recommend/experiments/keyword-features.ts [--k=1,5,10]`; needs the
 * vectors `bench:recommend -- --reuse-vectors` keeps in /tmp. Prints only.
 */
import { execFileSync } from "node:child_process";

const SETTINGS: Record<string, unknown>[] = [
  { tf: "sublinear" },
  { tf: "sublinear", titleWeight: 0.3 },
  { tf: "sublinear", titleWeight: 0.5 },
  { tf: "sublinear", titleWeight: 0.7 },
  { tf: "sublinear", titleWeight: 1 },
  { tf: "sublinear", titleWeight: 1.5 },
  { tf: "sublinear", trigrams: true },
  { tf: "binary" },
  { tf: "binary", titleWeight: 0.5 },
  { tf: "binary", maxDfShare: 0.3 },
  ...[0.3, 0.5, 0.7, 1, 1.2, 2].map((bm25K1) => ({ tf: "bm25", bm25K1 })),
  { tf: "bm25", bm25K1: 0.3, bm25B: 0.3 },
  { tf: "bm25", bm25K1: 0.5, bm25B: 0 },
  { tf: "bm25", bm25K1: 0.5, bm25B: 0.3 },
  { tf: "bm25", bm25K1: 0.5, bm25B: 1 },
  { tf: "bm25", bm25K1: 0.7, bm25B: 0.3 },
  { tf: "bm25", bm25K1: 1.2, bm25B: 0 },
  { tf: "bm25", bm25K1: 1.5, bm25B: 0 },
  { tf: "bm25", bm25K1: 0.5, trigrams: true },
  { tf: "bm25", bm25K1: 0.5, titleWeight: 0.3 },
  { tf: "bm25", bm25K1: 0.5, titleWeight: 0.5 },
  ...[0.25, 0.3, 0.4, 0.5].map((maxDfShare) => ({ tf: "bm25", bm25K1: 0.5, maxDfShare })),
  { tf: "bm25", bm25K1: 0.3, maxDfShare: 0.3 },
  { tf: "bm25", bm25K1: 0.5, idf: "bm25" },
  { tf: "sublinear", idf: "bm25" },
];

const passOn = process.argv.slice(2).filter((a) => a.startsWith("--k="));
for (const s of SETTINGS) {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", "bench/recommend/tune.ts", `--keywords=${JSON.stringify(s)}`, ...passOn],
    { encoding: "utf8" },
  );
  console.log(`=== ${JSON.stringify(s)}`);
  console.log(
    out
      .split("\n")
      .filter((l) => l.startsWith("  "))
      .join("\n"),
  );
}
