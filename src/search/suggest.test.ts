import assert from "node:assert/strict";
import { test } from "node:test";
import { Suggester } from "./suggest.ts";

const paper = (arxivId: string, title: string, authors = "Ada Lovelace") => ({
  arxivId,
  title,
  authors,
  modifiedMs: 0,
});

test("suggestions match the start of any word, newest paper first, several words in a row", () => {
  const s = new Suggester();
  s.addAll([
    paper("2401.00001", "Graph Transformers at Scale"),
    paper("2402.00002", "Scaling Graph Neural Networks", "Zoë Grapheme, Bo Li"),
    paper("2403.00003", "Paragraphs are not graphs"),
    paper("2404.00004", "Diffusion Models for Graphs"),
    paper("2405.00005", "Graph transformers, revisited"),
  ]);
  const ids = (q: string, limit?: number) => s.suggest(q, limit).papers.map((p) => p.arxivId);
  assert.deepEqual(ids("graph"), ["2405.00005", "2404.00004", "2403.00003", "2402.00002", "2401.00001"]);
  assert.deepEqual(ids("graph", 2), ["2405.00005", "2404.00004"]);
  // "paragraphs" holds "graph" but not at a word's start.
  assert.deepEqual(ids("aragraph"), []);
  assert.deepEqual(ids("graph trans"), ["2405.00005", "2401.00001"]);
  assert.deepEqual(ids("not gr"), ["2403.00003"], "the first word whole, the last a prefix");
  assert.deepEqual(ids("grap neural"), [], "a first word followed by more must be whole");
  assert.deepEqual(s.suggest("graphe").authors, ["Zoë Grapheme"]);
  assert.deepEqual(s.suggest("zoe").authors, ["Zoë Grapheme"], "accents fold");
  assert.deepEqual(ids("g"), [], "one character is too short");
});
