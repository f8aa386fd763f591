import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDay, shortAuthors, snippet, submittedLabel } from "./format.ts";
import { abstractParagraphs } from "./paper-view.ts";
import { wrapTitle } from "./thumbnail.ts";

const names = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `A${i + 1}` }));

test("author lists are shortened after four names, but never to 'and 1 others'", () => {
  assert.equal(shortAuthors(names(2)), "A1, A2");
  assert.equal(shortAuthors(names(5)), "A1, A2, A3, A4, A5");
  assert.equal(shortAuthors(names(6)), "A1, A2, A3, A4 and 2 others");
  assert.equal(shortAuthors([]), "");
});

test("snippets cut at a word and fold line breaks", () => {
  assert.equal(snippet("short\ntext", 50), "short text");
  assert.equal(snippet("one two three four five six", 14), "one two three…");
  assert.equal(snippet("end of clause, and more words here", 15), "end of clause…");
});

test("abstract paragraphs keep blank-line and indented breaks, fold hard wraps", () => {
  assert.deepEqual(abstractParagraphs("First line\nwraps here.\n\nSecond paragraph."), [
    "First line wraps here.",
    "Second paragraph.",
  ]);
  assert.deepEqual(abstractParagraphs("  One.\n  Two starts\nhere."), ["One.", "Two starts here."]);
});

test("days are shown in UTC", () => {
  assert.equal(formatDay("2024-08-09"), "9 Aug 2024");
  assert.equal(formatDay(new Date("2024-08-09T23:30:00Z")), "9 Aug 2024");
});

test("submission labels name the submitter, arXiv's listing, or neither", () => {
  const base = { feedDate: "2024-08-09", submittedAt: new Date(), submitter: null };
  assert.equal(submittedLabel({ ...base, origin: "hf" }), "Submitted on 9 Aug 2024");
  assert.equal(submittedLabel({ ...base, origin: "arxiv" }), "From the arXiv listing of 9 Aug 2024");
  const ak = { id: 1, username: "akhaliq", displayName: "AK", avatarUrl: null, origin: "hf" as const };
  assert.equal(submittedLabel({ ...base, origin: "hf", submitter: ak }), "Submitted by AK on 9 Aug 2024");
  assert.equal(
    submittedLabel({ ...base, origin: "local", submitter: { ...ak, displayName: null } }),
    "Submitted by akhaliq on 9 Aug 2024",
  );
});

test("thumbnail titles wrap and end with an ellipsis when too long", () => {
  assert.deepEqual(wrapTitle("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
  assert.deepEqual(wrapTitle("aaa bbb ccc ddd eee", 7, 2), ["aaa bbb", "ccc dd…"]);
});
