import assert from "node:assert/strict";
import { test } from "node:test";
import { html, raw } from "./html.ts";

test("interpolations are escaped, nested templates are not", () => {
  const name = `<script>alert("x")</script>`;
  const inner = html`<b>${name}</b>`;
  assert.equal(
    html`<p title="${'a"b'}">${inner}${raw("<i>ok</i>")}${[1, "<", null]}</p>`.value,
    `<p title="a&quot;b"><b>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</b><i>ok</i>1&lt;</p>`,
  );
});
