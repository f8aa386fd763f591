import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Db } from "../db/client.ts";
import { refreshPlannerStatistics } from "../db/maintenance.ts";
import { paperCount } from "../papers/store.ts";
import { importHfDaily } from "./hf-daily.ts";
import { importSnapshot } from "./snapshot.ts";

/** sample/ at the repository root, built by scripts/build-sample.ts. */
export const SAMPLE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../sample");

export interface SampleResult {
  papers: number;
  feedEntries: number;
}

/**
 * Loads the shipped sample through the real importers, so a first start shows a populated
 * site. Does nothing (returns null) when the database already has papers: the sample is for
 * empty installs only and must never mix into a real corpus.
 */
export async function importSampleIfEmpty(db: Db, dir = SAMPLE_DIR): Promise<SampleResult | null> {
  if ((await paperCount(db)) > 0) return null;
  await importSnapshot(db, path.join(dir, "arxiv-snapshot.jsonl"));
  const hf = await importHfDaily(db, path.join(dir, "hf-daily"));
  await refreshPlannerStatistics(db);
  return { papers: await paperCount(db), feedEntries: hf.feedEntries.inserted + hf.feedEntries.unchanged };
}
