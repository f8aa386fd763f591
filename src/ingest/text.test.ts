import assert from "node:assert/strict";
import { test } from "node:test";
import { httpUrl } from "./hf-entry.ts";
import { cleanTitle, unwrapAbstract } from "./text.ts";

test("hard-wrapped lines join into one paragraph", () => {
  assert.equal(
    unwrapAbstract("  A fully differential\ncalculation is\npresented.\n"),
    "A fully differential calculation is presented.",
  );
});

test("an indented line or a blank line starts a paragraph; list items keep their own", () => {
  assert.equal(
    unwrapAbstract("  First para\ncontinues.\n  Second para\nhere.\n\nThird.\n- item one\n- item two"),
    "First para continues.\n\nSecond para here.\n\nThird.\n\n- item one\n\n- item two",
  );
});

test("titles are one line", () => {
  assert.equal(
    cleanTitle("Calculation of prompt diphoton production at Tevatron and\n  LHC energies "),
    "Calculation of prompt diphoton production at Tevatron and LHC energies",
  );
});

test("only http(s) links are kept; relative ones resolve against a base", () => {
  assert.equal(httpUrl("https://github.com/a/b"), "https://github.com/a/b");
  assert.equal(httpUrl("javascript:alert(1)"), null);
  assert.equal(httpUrl("data:text/html,x"), null);
  assert.equal(httpUrl(""), null);
  assert.equal(httpUrl("/avatars/x.svg", "https://huggingface.co"), "https://huggingface.co/avatars/x.svg");
  assert.equal(httpUrl("not a url"), null);
});
