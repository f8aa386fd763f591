import assert from "node:assert/strict";
import { test } from "node:test";
import { savesBibtex } from "../../src/library/export.ts";

type BibPaper = Parameters<typeof savesBibtex>[0][number];

function paper(title: string, over: Partial<BibPaper> = {}): BibPaper {
  const base = { arxivId: "2408.00001", authors: [{ name: "Ada Lovelace" }], primaryCategory: "hep-th" };
  return { ...base, title, publishedAt: new Date("2024-08-01T00:00:00Z"), doi: null, ...over };
}

/** The title field's value as exported, inside its {{…}}. */
function bibTitle(title: string): string {
  const m = /\n {2}title = \{\{(.*)\}\},\n/.exec(savesBibtex([paper(title)]));
  assert.ok(m, "a title field");
  return m[1];
}

/** Whether braces balance as BibTeX counts them (every brace, escaped or not): peel innermost pairs. */
function balanced(s: string): boolean {
  let rest = s.replace(/[^{}]/g, "");
  while (rest.includes("{}")) rest = rest.replaceAll("{}", "");
  return rest === "";
}

test("BibTeX: every LaTeX special outside math is escaped, also two in a row", () => {
  const cases: [string, string][] = [
    ["Remarks on N_c dependence", "Remarks on N\\_c dependence"],
    ["Hilbert C^* modules", "Hilbert C\\textasciicircum{}* modules"],
    ["R&&D at 50%%", "R\\&\\&D at 50\\%\\%"],
    ["##1 and __init__", "\\#\\#1 and \\_\\_init\\_\\_"],
    ["~100x faster, ~~ twice", "\\textasciitilde{}100x faster, \\textasciitilde{}\\textasciitilde{} twice"],
    ["Costs $5", "Costs \\$5"],
    ["Already escaped R\\&D, 10\\% and a\\_b", "Already escaped R\\&D, 10\\% and a\\_b"],
    ["Accents stay: Schr\\\"odinger, \\'Etude", "Accents stay: Schr\\\"odinger, \\'Etude"],
    ["A trailing backslash \\", "A trailing backslash \\textbackslash{}"],
  ];
  for (const [title, want] of cases) assert.equal(bibTitle(title), want, title);
});

test("BibTeX: math is kept as written ($…$, $$…$$, \\(…\\)), but for & % # which would break it", () => {
  const cases: [string, string][] = [
    ["On $\\alpha$-Nets with $x_1^2 \\sim y$ & more", "On $\\alpha$-Nets with $x_1^2 \\sim y$ \\& more"],
    ["$SU(N_c)$ at large N_c", "$SU(N_c)$ at large N\\_c"],
    ["Display $$a^b$$ and inline \\(c_d\\) here_", "Display $$a^b$$ and inline \\(c_d\\) here\\_"],
    ["A $50%$ gain and $\\%$", "A $50\\%$ gain and $\\%$"],
    ["Empty $$ is no math", "Empty \\$\\$ is no math"],
    ["Two $a$ and $b_1$ maths, one $ stray", "Two $a$ and $b_1$ maths, one \\$ stray"],
    ["Escaped \\$ is no delimiter $x_1$", "Escaped \\$ is no delimiter $x_1$"],
  ];
  for (const [title, want] of cases) assert.equal(bibTitle(title), want, title);
});

test("BibTeX: braces stay balanced, authors are escaped the same way, a DOI is kept verbatim", () => {
  for (const title of ["{unbalanced & x", "balanced {QCD}_2 ^ here}", "}{", "C^* ~ {$\\mathcal{O}(n)$}"]) {
    const out = bibTitle(title);
    assert.ok(balanced(out), `${title} → ${out}`);
  }
  assert.equal(bibTitle("{unbalanced & x"), "unbalanced \\& x");
  assert.equal(bibTitle("Keeps {QCD}_2"), "Keeps {QCD}\\_2");
  const bib = savesBibtex([
    paper("T", { authors: [{ name: "A. O'Neil_Smith" }, { name: "B. & C." }], doi: "10.1000/a_b%c{" }),
  ]);
  assert.match(bib, /author = \{A\. O'Neil\\_Smith and B\. \\& C\.\},/);
  assert.match(bib, /doi = \{10\.1000\/a_b%c\},/);
  // the whole entry's braces balance too
  assert.ok(balanced(bib));
});
