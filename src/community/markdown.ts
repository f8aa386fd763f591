import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";
import { escapeHtml } from "../render/html.ts";

/**
 * Comment Markdown: links, emphasis, code, lists and quotes. Raw HTML in the source is shown
 * as text, and the output passes an allowlist sanitizer as a second wall. TeX math ($…$ and
 * $$…$$) is cut out before Markdown runs, so "$a_1 * b_1$" keeps its underscores and stars,
 * and is put back as plain text for the reader (or a client-side renderer) to see.
 */
const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html: ({ text, block }) => (block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text)),
    heading: ({ text }) => `<p><strong>${escapeHtml(text)}</strong></p>\n`,
    image: ({ text }) => escapeHtml(text),
  },
});

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "a", "em", "strong", "del", "code", "pre", "ul", "ol", "li", "blockquote", "span"],
  allowedAttributes: { a: ["href", "rel"], span: ["class"] },
  allowedClasses: { span: ["math"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform("a", { rel: "nofollow ugc noopener noreferrer" }),
  },
};

const MATH = /\$\$[\s\S]+?\$\$|\\\([\s\S]+?\\\)|\\\[[\s\S]+?\\\]|\$(?!\s)[^$\n]+?(?<!\s)\$/g;

/**
 * Containers (quotes, list items) nest by recursion in marked, so a few thousand markers on one
 * line overflow the stack. Real comments nest a handful of levels; past this, the comment is shown
 * as text. Indentation counts too: every two leading spaces can open another list level.
 */
const MAX_NESTING = 16;
const CONTAINER = /^(?:[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))/;

function nestingDepth(source: string): number {
  let deepest = 0;
  for (const line of source.split("\n")) {
    let rest = line;
    let depth = Math.floor((/^[ \t]*/.exec(line)?.[0].length ?? 0) / 2);
    for (let m = CONTAINER.exec(rest); m && depth <= MAX_NESTING; m = CONTAINER.exec(rest)) {
      depth += 1;
      rest = rest.slice(m[0].length);
    }
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

/** What a comment that cannot be rendered looks like: its text, escaped, line breaks kept. */
function plainText(source: string): string {
  return `<p class="plain">${escapeHtml(source.trim()).replace(/\n/g, "<br>\n")}</p>\n`;
}

/** One math span (as written, with its delimiters) as markup. */
export type MathRenderer = (tex: string) => string;

const plainMath: MathRenderer = (tex) => `<span class="math">${escapeHtml(tex)}</span>`;

/**
 * Never throws: a comment too deeply nested, or one that still defeats the parser (inline
 * emphasis nests by recursion too), becomes escaped plain text rather than a failed page.
 * `math` renders math spans; by default they are shown as plain text. The web layer passes a
 * server-side TeX renderer.
 */
export function renderMarkdown(source: string, math: MathRenderer = plainMath): string {
  if (nestingDepth(source) > MAX_NESTING) return plainText(source);
  try {
    return renderSafeSubset(source, math);
  } catch (err) {
    if (err instanceof RangeError) return plainText(source);
    throw err;
  }
}

function renderSafeSubset(source: string, math: MathRenderer): string {
  const spans: string[] = [];
  // A marker with no Markdown meaning and nothing a user could type by accident.
  const marker = (i: number) => `MATHXq${i}qX`;
  const text = source.replace(MATH, (m) => {
    spans.push(m);
    return marker(spans.length - 1);
  });
  const rendered = marked.parse(text) as string;
  const clean = sanitizeHtml(rendered, ALLOWED);
  // The sanitizer quotes every attribute and escapes ">" inside it, so splitting on tags is
  // exact. In text, math becomes a span; inside a tag (a link's href) it must stay inert
  // attribute text, or the span's quotes would end the attribute.
  return clean
    .split(/(<[^>]*>)/)
    .map((piece, i) =>
      piece.replace(/MATHXq(\d+)qX/g, (m, n) => {
        const tex = spans[Number(n)];
        if (tex === undefined) return m;
        return i % 2 === 1 ? escapeHtml(encodeURI(tex)) : math(tex);
      }),
    )
    .join("");
}
