/**
 * Text clean-up shared by the importers. arXiv metadata (and Hugging Face's copy of it) is
 * hard-wrapped at about 80 columns; a line that starts indented, or follows a blank line,
 * begins a new paragraph (arXiv's own convention for multi-paragraph abstracts).
 */

/** Titles are wrapped like abstracts; a title is one line. */
export function cleanTitle(title: string): string {
  return title.replace(/\s+/g, " ").trim();
}

const BULLET = /^(?:[-*•]\s|\(?\d{1,2}[.)]\s|\([a-z]{1,4}\)\s)/;

/**
 * Joins hard-wrapped lines into paragraphs, separated by a blank line ("\n\n"). Lines that
 * start a list item keep their own paragraph, so enumerations stay readable.
 */
export function unwrapAbstract(text: string): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) paragraphs.push(current.join(" "));
    current = [];
  };
  const lines = (text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text).split("\n");
  // The snapshot indents every abstract's first line; only a later indent marks a paragraph.
  let first = true;
  for (const raw of lines) {
    const trimmed = raw.trim();
    // Most lines have single spaces only; the regex is the costliest step of an import's parse.
    const line = trimmed.includes("  ") || trimmed.includes("\t") ? trimmed.replace(/[ \t]+/g, " ") : trimmed;
    if (line === "") {
      flush();
      continue;
    }
    if (!first && (/^\s/.test(raw) || BULLET.test(line))) flush();
    current.push(line);
    first = false;
  }
  flush();
  return paragraphs.join("\n\n");
}

/** A timestamp string as a Date, or null when it is not one. */
export function dateOrNull(value: string | null | undefined): Date | null {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}
