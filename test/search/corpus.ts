import fs from "node:fs";
import path from "node:path";
import type { PaperInput } from "../../src/papers/types.ts";

/** Real papers from the shared Hugging Face daily files, as the importer would store them. */
export function hfDailyPapers(days: string[]): PaperInput[] {
  const out: PaperInput[] = [];
  for (const day of days) {
    const file = path.resolve("../shared/data/hf-daily", `${day}.json`);
    const items = JSON.parse(fs.readFileSync(file, "utf8")) as {
      paper: {
        id: string;
        title: string;
        summary: string;
        publishedAt: string;
        upvotes: number;
        authors: { name: string }[];
      };
    }[];
    for (const { paper } of items)
      out.push({
        arxivId: paper.id,
        title: paper.title.replace(/\s+/g, " ").trim(),
        abstract: paper.summary.replace(/\s+/g, " ").trim(),
        authors: paper.authors.map((a) => ({ name: a.name })),
        publishedAt: new Date(paper.publishedAt),
        importedUpvotes: paper.upvotes,
        source: "hf-daily",
      });
  }
  return out;
}

export const TEST_DAYS = ["2024-05-28", "2024-08-08", "2024-08-09", "2024-10-01", "2025-01-15"];
