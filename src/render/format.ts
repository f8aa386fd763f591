import type { FeedEntryInfo, Submitter } from "../feed/types.ts";
import type { Author } from "../papers/types.ts";

const SHOWN_AUTHORS = 4;

/** "A, B, C, D and 12 others": long author lists would push the title off small screens. */
export function shortAuthors(authors: Author[]): string {
  const names = authors.map((a) => a.name);
  if (names.length <= SHOWN_AUTHORS + 1) return names.join(", ");
  const rest = names.length - SHOWN_AUTHORS;
  return `${names.slice(0, SHOWN_AUTHORS).join(", ")} and ${rest} others`;
}

/** The start of a text, cut at a word boundary, with line breaks folded into spaces. */
export function snippet(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, "")}…`;
}

function submitterName(s: Submitter): string {
  return s.displayName || s.username;
}

const DAY_FORMAT = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  year: "numeric",
  timeZone: "UTC",
});

/** "9 Aug 2024", in UTC so every reader sees the same day the feed uses. */
export function formatDay(d: Date | string): string {
  const date = typeof d === "string" ? new Date(`${d.slice(0, 10)}T00:00:00Z`) : d;
  return DAY_FORMAT.format(date);
}

/** Who put a paper on the feed: a person, arXiv's own listing (live ingestion), or unknown. */
export function submittedLabel(entry: FeedEntryInfo): string {
  const day = formatDay(entry.feedDate);
  if (entry.submitter) return `Submitted by ${submitterName(entry.submitter)} on ${day}`;
  return entry.origin === "arxiv" ? `From the arXiv listing of ${day}` : `Submitted on ${day}`;
}

/** Who to name for an entry in running text. */
export function submitterOrSource(entry: FeedEntryInfo): string {
  if (entry.submitter) return submitterName(entry.submitter);
  return entry.origin === "arxiv" ? "the arXiv listing" : "an unnamed submitter";
}
