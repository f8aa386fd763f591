import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { renderMarkdown } from "../../src/community/markdown.ts";
import { escapeHtml } from "../../src/web/html.ts";
import { makePaper, makeUser, post } from "../community/helpers.ts";
import { openTestApp, type TestApp } from "../helpers/app.ts";
import { testBackends } from "../helpers/db.ts";

interface Vector {
  name: string;
  unit: string;
  times: number;
  tail: string;
}
const fixture = JSON.parse(readFileSync(new URL("./fixtures/markdown-depth.json", import.meta.url), "utf8"));
const vectors: Vector[] = fixture.vectors;
const body = (v: Vector) => v.unit.repeat(v.times) + v.tail;

test("deeply nested comments render as escaped plain text instead of throwing", () => {
  for (const v of vectors) {
    const out = renderMarkdown(body(v));
    assert.ok(out.includes(escapeHtml(body(v).trim()).slice(0, 200)), `${v.name}: kept as text`);
    assert.doesNotMatch(out, /<(ul|ol|li|blockquote)\b/, `${v.name}: no nested markup`);
  }
  // Ordinary nesting still renders as Markdown.
  assert.match(renderMarkdown("> - a\n>   - b"), /<blockquote>\s*<ul>/);
});

for (const backend of testBackends()) {
  describe(`comment nesting on ${backend}`, () => {
    let t: TestApp;
    before(async () => {
      t = await openTestApp(backend);
    });
    after(async () => {
      await t.close();
    });

    test("a paper page with each attack comment still answers 200 and shows the comment", async () => {
      const paper = await makePaper(t.db);
      const u = await makeUser(t.db);
      for (const v of vectors) {
        const res = await post(t.app, u, "/comments", { arxiv_id: paper.arxivId, body: body(v) });
        assert.equal(res.statusCode, 303, `${v.name}: posted`);
      }
      const page = await t.app.inject({ url: `/papers/${paper.arxivId}` });
      assert.equal(page.statusCode, 200);
      for (const v of vectors) assert.ok(page.body.includes(escapeHtml(v.unit.repeat(20))), v.name);
    });
  });
}
