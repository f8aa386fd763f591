import type { Queryable } from "../../src/db/client.ts";
import { insertEntry, insertSubmitter, paperOnFeed } from "./factories.ts";

/**
 * A small feed around GMAI-MMBench's day (Friday 2024-08-09) for page and API tests:
 *
 *   2024-08-05 Mon  F (5)                 by bob
 *   2024-08-07 Wed  B (10, 5 comments)    by ak       B again on the 9th
 *   2024-08-09 Fri  A GMAI-MMBench (57)   by ak
 *                   E (50 imported + 3 local)
 *                   B, D (10, 1 comment, newer), C (10, 1 comment)
 *                   H (1000) hidden by a moderator
 *   2024-08-10/11   nothing (a weekend)
 *   2024-08-12 Mon  G (1)
 *
 * Upvote order on the 9th: A 57, E 53, B 10/5, D 10/1 (published later), C 10/1.
 */
export const IDS = {
  A: "2408.03361",
  B: "2408.00002",
  C: "2408.00003",
  D: "2408.00004",
  E: "2408.00005",
  F: "2408.00006",
  G: "2408.00007",
  H: "2408.00008",
  OLD: "hep-th/9901001",
};

export async function seedFeed(db: Queryable): Promise<{ ak: number; bob: number }> {
  const ak = await insertSubmitter(db, "akhaliq", { displayName: "AK" });
  const bob = await insertSubmitter(db, "bob", { origin: "local" });
  const day = "2024-08-09";
  await paperOnFeed(
    db,
    {
      arxivId: IDS.A,
      title: "GMAI-MMBench: A Comprehensive Multimodal Evaluation Benchmark Towards General Medical AI",
      abstract:
        "Large Vision-Language Models (LVLMs) are capable of handling diverse data types.\nWe introduce GMAI-MMBench, the most comprehensive general medical AI benchmark.",
      authors: [
        { name: "Pengcheng Chen" },
        { name: "Jin Ye" },
        { name: "Guoan Wang" },
        { name: "Yanjun Li" },
        { name: "Zhongying Deng" },
        { name: "Wei Li" },
        { name: "Tianbin Li" },
      ],
      categories: ["eess.IV", "cs.CV"],
      primaryCategory: "eess.IV",
      publishedAt: new Date("2024-08-06T17:59:00Z"),
      updatedAt: new Date("2024-10-21T12:00:00Z"),
      version: 2,
      versions: [
        { version: 1, createdAt: "Tue, 6 Aug 2024 17:59:00 GMT" },
        { version: 2, createdAt: "Mon, 21 Oct 2024 12:00:00 GMT" },
      ],
      importedUpvotes: 57,
      importedComments: 2,
      githubRepo: "https://github.com/uni-medical/GMAI-MMBench",
      githubStars: 88,
      projectPage: "https://uni-medical.github.io/GMAI-MMBench.github.io/",
      doi: "10.48550/arXiv.2408.03361",
      journalRef: "NeurIPS 2024 Datasets and Benchmarks",
      comments: "GitHub: https://github.com/uni-medical/GMAI-MMBench",
      license: "http://creativecommons.org/licenses/by/4.0/",
    },
    { feedDate: day, submittedBy: ak },
  );
  await paperOnFeed(
    db,
    { arxivId: IDS.E, title: "Paper E with local votes", importedUpvotes: 50 },
    { feedDate: day },
  );
  await db.query("update papers set local_upvotes = 3 where arxiv_id = $1", [IDS.E]);
  await paperOnFeed(
    db,
    { arxivId: IDS.B, title: "Paper B much discussed", importedUpvotes: 10, importedComments: 5 },
    { feedDate: "2024-08-07", submittedBy: ak },
  );
  await insertEntry(db, { arxivId: IDS.B, feedDate: day, submittedBy: ak });
  await paperOnFeed(
    db,
    { arxivId: IDS.C, title: "Paper C older", importedUpvotes: 10, importedComments: 1 },
    { feedDate: day, submittedAt: new Date("2024-08-09T09:00:00Z") },
  );
  await paperOnFeed(
    db,
    {
      arxivId: IDS.D,
      title: "Paper D newer <script>alert(1)</script>",
      importedUpvotes: 10,
      importedComments: 1,
      publishedAt: new Date("2024-08-08T00:00:00Z"),
    },
    { feedDate: day, submittedAt: new Date("2024-08-09T10:00:00Z") },
  );
  await paperOnFeed(
    db,
    { arxivId: IDS.H, title: "Paper H hidden", importedUpvotes: 1000 },
    { feedDate: day, hiddenAt: new Date("2024-08-09T12:00:00Z") },
  );
  await paperOnFeed(
    db,
    { arxivId: IDS.F, title: "Paper F on Monday", importedUpvotes: 5 },
    { feedDate: "2024-08-05", submittedBy: bob },
  );
  await paperOnFeed(
    db,
    { arxivId: IDS.G, title: "Paper G next week", importedUpvotes: 1 },
    { feedDate: "2024-08-12" },
  );
  await paperOnFeed(
    db,
    {
      arxivId: IDS.OLD,
      title: "An old-style paper",
      categories: ["hep-th"],
      publishedAt: new Date("1999-01-04T00:00:00Z"),
    },
    { feedDate: "2024-07-01" },
  );
  return { ak, bob };
}
