import assert from "node:assert/strict";
import { test } from "node:test";
import { renderMarkdown } from "./markdown.ts";

test("the allowed subset: emphasis, code, links, lists, quotes", () => {
  assert.equal(renderMarkdown("*a* **b** `c`"), "<p><em>a</em> <strong>b</strong> <code>c</code></p>\n");
  assert.equal(
    renderMarkdown("[site](https://example.org)"),
    '<p><a href="https://example.org" rel="nofollow ugc noopener noreferrer">site</a></p>\n',
  );
  assert.equal(renderMarkdown("- one\n- two"), "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
  assert.equal(renderMarkdown("> quoted"), "<blockquote>\n<p>quoted</p>\n</blockquote>\n");
  assert.equal(renderMarkdown("```\nx < y\n```"), "<pre><code>x &lt; y\n</code></pre>\n");
});

test("TeX math stays as written, Markdown characters inside it included", () => {
  assert.equal(
    renderMarkdown("Let $a_1 * b_1$ and $$\\sum_i x_i$$"),
    '<p>Let <span class="math">$a_1 * b_1$</span> and <span class="math">$$\\sum_i x_i$$</span></p>\n',
  );
  assert.equal(renderMarkdown("costs $5 and $6"), "<p>costs $5 and $6</p>\n");
  assert.equal(renderMarkdown("$<b>x</b>$"), '<p><span class="math">$&lt;b&gt;x&lt;/b&gt;$</span></p>\n');
});

test("raw HTML shows as text, unsafe links lose their href, headings and images are flattened", () => {
  assert.equal(renderMarkdown("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
  assert.equal(renderMarkdown("hi <b>there</b>"), "<p>hi &lt;b&gt;there&lt;/b&gt;</p>\n");
  assert.equal(
    renderMarkdown("[x](data:text/html;base64,PHNj)"),
    '<p><a rel="nofollow ugc noopener noreferrer">x</a></p>\n',
  );
  assert.equal(
    renderMarkdown("[x](javascript:alert(1))"),
    '<p><a rel="nofollow ugc noopener noreferrer">x</a></p>\n',
  );
  assert.equal(renderMarkdown("# Big"), "<p><strong>Big</strong></p>\n");
  assert.equal(renderMarkdown("![alt](https://x/y.png)"), "<p>alt</p>\n");
});

test("TeX inside a link's URL stays attribute text, and the link keeps its rel", () => {
  const out = renderMarkdown("[x](https://e.com/$y$) and $z$");
  assert.equal(
    out,
    '<p><a href="https://e.com/$y$" rel="nofollow ugc noopener noreferrer">x</a> and <span class="math">$z$</span></p>\n',
  );
});
