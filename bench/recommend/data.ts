import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";

/** One systematic review from ../shared/data/recsys: every screened record and whether it was included. */
export interface Review {
  name: string;
  records: { id: string; title: string; abstract: string; included: boolean }[];
}

export const RECSYS_DIR = path.resolve("../shared/data/recsys");
export const REVIEW_FILES = ["Bannach-Brown_2019", "Kitchenham_2010", "Nagtegaal_2019"];

export function readReview(name: string): Review {
  const rows = parse(fs.readFileSync(path.join(RECSYS_DIR, `${name}.csv`)), {
    columns: true,
    skip_empty_lines: true,
    bom: true,
  }) as Record<string, string>[];
  return {
    name,
    records: rows.map((r) => ({
      id: `${name}:${r.record_id}`,
      title: r.title ?? "",
      abstract: r.abstract ?? "",
      included: r.label_included === "1",
    })),
  };
}
