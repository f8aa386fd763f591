import type { SparseVector } from "./sparse.ts";

/** What the recommender knows about one paper: its embedding (when the model has one) and keywords. */
export interface Features {
  dense: Float32Array | null;
  keywords: SparseVector;
}

/** How a person said they like a paper; the reason on a card names it. */
export type PositiveKind = "saved" | "upvoted" | "collected" | "picked" | "author" | "topic";

export interface PositiveSignal {
  id: string;
  title: string;
  /** Read for the interest's name only (interestLabel); absent where nobody needs one. */
  abstract?: string;
  kind: PositiveKind;
  /** Relative weight: recent and explicit signals count more. */
  weight: number;
  features: Features;
  /**
   * Signals that share a group form one fixed interest instead of being clustered: the papers of
   * a followed author ("author:NAME") or of a followed topic ("topic:SLUG").
   */
  group?: { key: string; kind: "author" | "topic"; label: string };
}

export interface NegativeSignal {
  id: string;
  weight: number;
  features: Features;
}

export interface Interest {
  index: number;
  /** Shown on cards: the phrase its papers' titles share, else the central paper's title; or the author or topic name. */
  label: string;
  kind: "papers" | "author" | "topic";
  members: PositiveSignal[];
  weight: number;
  dense: Float32Array | null;
  keywords: SparseVector;
}

/** A direct match the caller found: the candidate is by a followed author or matches a followed topic. */
export interface Boost {
  kind: "author" | "topic";
  label: string;
}

export type Reason =
  | { kind: "similar"; to: { id: string; title: string; kind: PositiveKind }[] }
  /**
   * A followed author or topic: `like` when the paper only resembles its papers (it serves that
   * interest) and is not by the author or in the topic itself.
   */
  | { kind: "author"; name: string; like?: true }
  | { kind: "topic"; name: string; like?: true };
