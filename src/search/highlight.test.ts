import assert from "node:assert/strict";
import { test } from "node:test";
import { highlightSpans, snippetSpans } from "./highlight.ts";
import { parseQuery } from "./query.ts";

const spans = (text: string, q: string) => {
  const p = parseQuery(q);
  return highlightSpans(
    text,
    p.terms,
    p.phrases.map((x) => x.tokens),
  );
};

test("stemmed words are highlighted and the spans rebuild the text", () => {
  const title = "GMAI-MMBench: A Comprehensive Multimodal Evaluation Benchmark Towards General Medical AI";
  const s = spans(title, "medical benchmarks");
  assert.deepEqual(s, [
    { type: "text", text: "GMAI-MMBench: A Comprehensive Multimodal Evaluation " },
    { type: "highlight", text: "Benchmark" },
    { type: "text", text: " Towards General " },
    { type: "highlight", text: "Medical" },
    { type: "text", text: " AI" },
  ]);
  assert.equal(s.map((x) => x.text).join(""), title);
});

test("phrases light up as one run; compounds match their joined form", () => {
  assert.deepEqual(spans("We use large language models.", '"large language model"'), [
    { type: "text", text: "We use " },
    { type: "highlight", text: "large language models" },
    { type: "text", text: "." },
  ]);
  assert.deepEqual(spans("Pre-training helps.", "pretraining"), [
    { type: "highlight", text: "Pre-training" },
    { type: "text", text: " helps." },
  ]);
  assert.deepEqual(spans("Café au lait", "cafe"), [
    { type: "highlight", text: "Café" },
    { type: "text", text: " au lait" },
  ]);
});

test("no terms, no highlight; markup in the text stays text", () => {
  assert.deepEqual(spans("<b>bold</b>", "bold"), [
    { type: "text", text: "<b>" },
    { type: "highlight", text: "bold" },
    { type: "text", text: "</b>" },
  ]);
  assert.deepEqual(highlightSpans("", ["x"]), [{ type: "text", text: "" }]);
});

test("snippets centre on the matches, cut at words, with ellipses", () => {
  const text = `${"filler ".repeat(60)}the medical benchmark is here ${"tail ".repeat(60)}`.trim();
  const s = snippetSpans(text, parseQuery("medical benchmark").terms, [], 100);
  assert.equal(s[0].text, "… ");
  assert.equal(s[s.length - 1].text, " …");
  assert.deepEqual(
    s.filter((x) => x.type === "highlight").map((x) => x.text),
    ["medical", "benchmark"],
  );
  const body = s.map((x) => x.text).join("");
  assert.ok(body.length <= 106, body);
});
