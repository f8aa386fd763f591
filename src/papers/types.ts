/** A paper as the store returns it. */
export interface Paper {
  arxivId: string;
  version: number | null;
  title: string;
  abstract: string;
  authors: Author[];
  categories: string[];
  primaryCategory: string | null;
  publishedAt: Date | null;
  updatedAt: Date | null;
  comments: string | null;
  journalRef: string | null;
  doi: string | null;
  reportNo: string | null;
  license: string | null;
  submitter: string | null;
  versions: PaperVersion[];
  githubRepo: string | null;
  githubStars: number | null;
  projectPage: string | null;
  aiSummary: string | null;
  aiKeywords: string[] | null;
  importedUpvotes: number;
  importedComments: number;
  localUpvotes: number;
  localComments: number;
  source: PaperSource;
}

export interface Author {
  name: string;
  affiliation?: string;
}

export interface PaperVersion {
  version: number;
  createdAt: string;
  size?: string;
}

type PaperSource = "arxiv-snapshot" | "hf-daily" | "oai-pmh" | "arxiv-api" | "scifact" | "recsys" | "sample";

/**
 * What an importer knows about a paper. Fields left undefined are unknown and never erase what
 * the store already has (Hugging Face data, for one, carries no categories).
 */
export type PaperInput = Pick<Paper, "arxivId" | "title" | "source"> &
  Partial<Omit<Paper, "arxivId" | "title" | "source" | LocalCounts>>;

/** What only this site counts (votes and comments cast here): no import writes them. */
type LocalCounts = "localUpvotes" | "localComments";

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

export function totalUpvotes(p: Pick<Paper, "importedUpvotes" | "localUpvotes">): number {
  return p.importedUpvotes + p.localUpvotes;
}

export function totalComments(p: Pick<Paper, "importedComments" | "localComments">): number {
  return p.importedComments + p.localComments;
}
