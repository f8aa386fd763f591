import type { Queryable } from "../db/client.ts";

/** All SQL of summaries. */

export interface PaperSummary {
  summary: string;
  keyphrases: string[];
  kind: "extracted" | "llm";
}

export interface PaperToSummarize {
  arxivId: string;
  title: string;
  abstract: string;
  hash: string;
}

const HASH = "md5(p.title || chr(10) || p.abstract)";

/** Papers without HF's AI summary whose own summary is missing or older than their text. */
export async function papersToSummarize(
  db: Queryable,
  limit: number,
  afterId = "",
): Promise<PaperToSummarize[]> {
  const rows = await db.query<{ arxiv_id: string; title: string; abstract: string; hash: string }>(
    `select p.arxiv_id, p.title, p.abstract, ${HASH} as hash
     from papers p left join paper_summaries s on s.arxiv_id = p.arxiv_id
     where p.ai_summary is null and p.abstract <> '' and p.arxiv_id > $2
       and (s.arxiv_id is null or s.text_hash <> ${HASH})
     order by p.arxiv_id limit $1`,
    [limit, afterId],
  );
  return rows.map((r) => ({ arxivId: r.arxiv_id, title: r.title, abstract: r.abstract, hash: r.hash }));
}

export async function saveExtracted(
  db: Queryable,
  rows: { arxivId: string; hash: string; summary: string; keyphrases: string[] }[],
): Promise<void> {
  if (rows.length === 0) return;
  // The keyphrases travel as JSON: a text[][] parameter cannot hold lists of different lengths.
  await db.query(
    `insert into paper_summaries (arxiv_id, summary, keyphrases, kind, text_hash)
     select r.arxiv_id, r.summary, array(select jsonb_array_elements_text(r.keyphrases)), 'extracted', r.hash
     from jsonb_to_recordset($1::jsonb) as r(arxiv_id text, summary text, keyphrases jsonb, hash text)
     on conflict (arxiv_id) do update set summary = excluded.summary, keyphrases = excluded.keyphrases,
       kind = 'extracted', text_hash = excluded.text_hash, llm_failures = 0, llm_error = null, updated_at = now()`,
    [
      JSON.stringify(
        rows.map((r) => ({
          arxiv_id: r.arxivId,
          summary: r.summary,
          keyphrases: r.keyphrases,
          hash: r.hash,
        })),
      ),
    ],
  );
}

/** Extracted summaries an LLM may rewrite: not yet tried `maxFailures` times. */
export async function summariesForLlm(
  db: Queryable,
  limit: number,
  maxFailures: number,
): Promise<PaperToSummarize[]> {
  const rows = await db.query<{ arxiv_id: string; title: string; abstract: string; text_hash: string }>(
    `select p.arxiv_id, p.title, p.abstract, s.text_hash from paper_summaries s join papers p using (arxiv_id)
     where s.kind = 'extracted' and s.llm_failures < $2 order by s.llm_failures, p.arxiv_id limit $1`,
    [limit, maxFailures],
  );
  return rows.map((r) => ({ arxivId: r.arxiv_id, title: r.title, abstract: r.abstract, hash: r.text_hash }));
}

export async function saveLlmSummary(
  db: Queryable,
  arxivId: string,
  hash: string,
  summary: string,
): Promise<void> {
  await db.query(
    `update paper_summaries set summary = $3, kind = 'llm', llm_error = null, updated_at = now()
     where arxiv_id = $1 and text_hash = $2`,
    [arxivId, hash, summary],
  );
}

export async function recordLlmFailure(db: Queryable, arxivId: string, error: string): Promise<void> {
  await db.query(
    "update paper_summaries set llm_failures = llm_failures + 1, llm_error = $2 where arxiv_id = $1",
    [arxivId, error.slice(0, 500)],
  );
}

export async function paperSummary(db: Queryable, arxivId: string): Promise<PaperSummary | null> {
  const [row] = await db.query<{ summary: string; keyphrases: string[]; kind: "extracted" | "llm" }>(
    "select summary, keyphrases, kind from paper_summaries where arxiv_id = $1",
    [arxivId],
  );
  return row ? { summary: row.summary, keyphrases: row.keyphrases, kind: row.kind } : null;
}
