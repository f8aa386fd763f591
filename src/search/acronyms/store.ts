import type { Db, Queryable } from "../../db/client.ts";
import type { LearnedAcronym } from "./learn.ts";

/** All SQL of acronyms: the learned pairs and the state of the last refresh. */

export async function replaceAcronyms(db: Db, pairs: LearnedAcronym[], corpusPapers: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query("delete from acronyms");
    for (let i = 0; i < pairs.length; i += 500) {
      const batch = pairs.slice(i, i + 500);
      await tx.query(
        `insert into acronyms (short_form, long_key, long_form, papers, share, common_word)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::real[], $6::boolean[])`,
        [
          batch.map((p) => p.short),
          batch.map((p) => p.longKey),
          batch.map((p) => p.long),
          batch.map((p) => p.papers),
          batch.map((p) => p.share),
          batch.map((p) => p.commonWord),
        ],
      );
    }
    await tx.query(
      `insert into acronym_refresh (id, corpus_papers, pairs, refreshed_at) values (1, $1, $2, now())
       on conflict (id) do update set corpus_papers = $1, pairs = $2, refreshed_at = now()`,
      [corpusPapers, pairs.length],
    );
  });
}

export async function storedAcronyms(db: Queryable): Promise<LearnedAcronym[]> {
  const rows = await db.query<{
    short_form: string;
    long_key: string;
    long_form: string;
    papers: number;
    share: number;
    common_word: boolean;
  }>(
    "select short_form, long_key, long_form, papers, share, common_word from acronyms order by short_form, papers desc",
  );
  return rows.map((r) => ({
    short: r.short_form,
    longKey: r.long_key,
    long: r.long_form,
    papers: r.papers,
    share: r.share,
    commonWord: r.common_word,
  }));
}

export interface AcronymRefreshState {
  corpusPapers: number;
  pairs: number;
  refreshedAt: Date;
}

export async function acronymRefreshState(db: Queryable): Promise<AcronymRefreshState | null> {
  const [row] = await db.query<{ corpus_papers: number; pairs: number; refreshed_at: Date }>(
    "select corpus_papers, pairs, refreshed_at from acronym_refresh where id = 1",
  );
  return row
    ? { corpusPapers: row.corpus_papers, pairs: row.pairs, refreshedAt: new Date(row.refreshed_at) }
    : null;
}

/** Title and abstract of one page of papers, in id order (keyset pagination). */
export async function paperTextsAfter(
  db: Queryable,
  afterId: string,
  limit: number,
): Promise<{ arxivId: string; text: string }[]> {
  const rows = await db.query<{ arxiv_id: string; title: string; abstract: string }>(
    "select arxiv_id, title, abstract from papers where arxiv_id > $1 order by arxiv_id limit $2",
    [afterId, limit],
  );
  return rows.map((r) => ({ arxivId: r.arxiv_id, text: `${r.title}. ${r.abstract}` }));
}
