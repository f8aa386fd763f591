import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Queryable } from "../../src/db/client.ts";

export const HF_DIR = path.resolve("../shared/data/hf-daily");
export const SNAPSHOT = path.resolve("../shared/data/arxiv/snapshot/arxiv-metadata-oai-snapshot.head.jsonl");

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dp-${prefix}-`));
}

/** Everything an import writes, in a comparable form (no serial ids or wall-clock times). */
export async function importedState(db: Queryable): Promise<unknown> {
  const papers = await db.query(
    `select arxiv_id, version, title, abstract, authors, categories, primary_category, published_at, updated_at,
       comments, journal_ref, doi, report_no, license, submitter, versions, github_repo, github_stars, project_page,
       ai_summary, ai_keywords, imported_upvotes, imported_comments, source
     from papers order by arxiv_id`,
  );
  const entries = await db.query(
    `select e.arxiv_id, e.feed_date, e.submitted_at, e.imported_upvotes, e.origin, u.username
     from feed_entries e left join users u on u.id = e.submitted_by order by e.arxiv_id, e.feed_date`,
  );
  const users = await db.query(
    "select username, display_name, avatar_url, origin from users order by username",
  );
  return { papers, entries, users };
}
