import type { Paper } from "../papers/types.ts";

/** The user who put a paper on a feed day: a local account, or a Hugging Face submitter. */
export interface Submitter {
  id: number;
  username: string;
  displayName: string | null;
  avatarUrl: string | null;
  origin: "local" | "hf";
}

/** One paper's place on one feed day. */
export interface FeedEntryInfo {
  feedDate: string;
  submittedAt: Date;
  submitter: Submitter | null;
  origin: "local" | "hf" | "arxiv";
}

export interface FeedItem {
  paper: Paper;
  entry: FeedEntryInfo;
}

/** A page of results, fetched one row longer than asked to know whether more follow. */
export interface FeedPage<T> {
  items: T[];
  hasNext: boolean;
}
