import sanitizeHtml from "sanitize-html";
import temml from "temml";
import { escapeHtml, html, raw, type SafeHtml } from "../html.ts";

/**
 * TeX in titles, abstracts and comments, rendered on the server to MathML (Temml), so pages
 * need no client script and no web fonts. Text is escaped first and only the math spans are
 * rendered; Temml's output then passes a MathML allowlist, which also drops its inline styles
 * (the CSP allows no style attributes). Search, feeds and email keep the plain text.
 */

// $$display$$, \(inline\), \[display\], and $inline$ whose content neither starts nor ends
// with a space and whose closing $ is not followed by a digit ("costs $5 and $10" stays text).
const MATH =
  /\$\$([^$]{1,2000}?)\$\$|\\\(([\s\S]{1,2000}?)\\\)|\\\[([\s\S]{1,2000}?)\\\]|\$(?!\s)([^$\n]{1,500}?)(?<![\s\\])\$(?!\d)/g;

const MATHML_TAGS = [
  "math",
  "semantics",
  "annotation",
  "mrow",
  "mi",
  "mn",
  "mo",
  "ms",
  "mtext",
  "mspace",
  "msup",
  "msub",
  "msubsup",
  "mfrac",
  "msqrt",
  "mroot",
  "mover",
  "munder",
  "munderover",
  "mtable",
  "mtr",
  "mtd",
  "mlabeledtr",
  "mstyle",
  "mpadded",
  "mphantom",
  "menclose",
  "mmultiscripts",
  "mprescripts",
  "none",
  "merror",
];
const MATHML_ATTRIBUTES = [
  "class",
  "display",
  "mathvariant",
  "displaystyle",
  "scriptlevel",
  "lspace",
  "rspace",
  "stretchy",
  "fence",
  "form",
  "separator",
  "largeop",
  "movablelimits",
  "accent",
  "accentunder",
  "linethickness",
  "columnalign",
  "rowspacing",
  "columnspacing",
  "notation",
  "width",
  "height",
  "depth",
  "voffset",
  "symmetric",
  "minsize",
  "maxsize",
  "encoding",
  "linebreak",
  "rowalign",
  "columnlines",
  "rowlines",
  "frame",
];
const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: MATHML_TAGS,
  allowedAttributes: Object.fromEntries(MATHML_TAGS.map((t) => [t, MATHML_ATTRIBUTES])),
  allowedSchemes: [],
  parser: { lowerCaseTags: true, lowerCaseAttributeNames: true },
};

const cache = new Map<string, string | null>();
const CACHE_SIZE = 5000;

/** One TeX expression as MathML, or null when it does not parse (then it is shown as written). */
function texToMathml(tex: string, display = false): string | null {
  const key = `${display ? "D" : "I"}${tex}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let out: string | null;
  try {
    const mathml = temml.renderToString(tex, {
      displayMode: display,
      throwOnError: true,
      trust: false,
      strict: false,
      maxExpand: 300,
      maxSize: [20, 20],
      annotate: true,
    });
    out = sanitizeHtml(mathml, ALLOWED);
  } catch {
    out = null;
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, out);
  return out;
}

/** Plain text with its $…$ spans as MathML; everything else escaped. */
export function texHtml(text: string): SafeHtml {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(MATH)) {
    const [whole, displayDollars, inlineParen, displayBracket, inlineDollar] = m;
    const display = displayDollars !== undefined || displayBracket !== undefined;
    const tex = displayDollars ?? inlineParen ?? displayBracket ?? inlineDollar ?? "";
    const rendered = tex.trim() ? texToMathml(tex, display) : null;
    out += escapeHtml(text.slice(last, m.index));
    out += rendered ?? escapeHtml(whole);
    last = m.index + whole.length;
  }
  out += escapeHtml(text.slice(last));
  return raw(out);
}

/** For renderMarkdown: a math span cut out of a comment, as MathML or as the escaped source. */
export function mathSpan(source: string): string {
  const rendered = texHtml(source).value;
  return rendered === escapeHtml(source) ? html`<span class="math">${source}</span>`.value : rendered;
}
