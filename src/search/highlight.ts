import { isDisplayStopTerm, wordSpans } from "./text.ts";

/**
 * Highlighted spans in Hugging Face's shape: the text cut into plain and highlighted runs that
 * concatenate back to the original. A word is highlighted when the analyser would index it
 * under one of the query's stems, so "benchmarks" lights up for "benchmark" and "pre-training"
 * for "pretraining"; a quoted phrase lights up as one run.
 */
export interface Span {
  type: "text" | "highlight";
  text: string;
}

interface Range {
  start: number;
  end: number;
}

function phraseRanges(words: ReturnType<typeof wordSpans>, phrases: string[][]): Range[] {
  // Phrases compare the parts of each word (not the joined compound), in order.
  const flat: { stem: string; word: number }[] = [];
  words.forEach((w, i) => {
    const parts = w.stems.length > 1 ? w.stems.slice(0, -1) : w.stems;
    for (const s of parts) flat.push({ stem: s, word: i });
  });
  const out: Range[] = [];
  for (const p of phrases) {
    if (p.length === 0) continue;
    for (let i = 0; i + p.length <= flat.length; i++) {
      let ok = true;
      for (let j = 0; j < p.length && ok; j++) ok = flat[i + j].stem === p[j];
      if (ok) out.push({ start: words[flat[i].word].start, end: words[flat[i + p.length - 1].word].end });
    }
  }
  return out;
}

/** Character ranges to highlight, sorted and merged where they overlap. */
function highlightRanges(text: string, terms: string[], phrases: string[][] = []): Range[] {
  if (!text || (terms.length === 0 && phrases.length === 0)) return [];
  // Stop words never light up, even when ranking used them ("how", "from").
  const wanted = new Set(terms.filter((t) => !isDisplayStopTerm(t)));
  const words = wordSpans(text);
  const ranges: Range[] = words.filter((w) => w.stems.some((s) => wanted.has(s)));
  ranges.push(...phraseRanges(words, phrases));
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Range[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start < last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ start: r.start, end: r.end });
  }
  return merged;
}

export function highlightSpans(text: string, terms: string[], phrases: string[][] = []): Span[] {
  return spansFromRanges(text, highlightRanges(text, terms, phrases));
}

function spansFromRanges(text: string, ranges: Range[]): Span[] {
  const spans: Span[] = [];
  let at = 0;
  for (const r of ranges) {
    if (r.start > at) spans.push({ type: "text", text: text.slice(at, r.start) });
    spans.push({ type: "highlight", text: text.slice(r.start, r.end) });
    at = r.end;
  }
  if (at < text.length || spans.length === 0) spans.push({ type: "text", text: text.slice(at) });
  return spans;
}

/**
 * A window of about `maxChars` of a long text, placed where it holds the most highlighted
 * words, cut at word boundaries, with an ellipsis where text was left out.
 */
export function snippetSpans(
  text: string,
  terms: string[],
  phrases: string[][] = [],
  maxChars = 300,
): Span[] {
  const ranges = highlightRanges(text, terms, phrases);
  if (text.length <= maxChars) return spansFromRanges(text, ranges);
  let bestStart = 0;
  let best = -1;
  for (let i = 0; i < ranges.length; i++) {
    let n = 0;
    for (let j = i; j < ranges.length && ranges[j].end <= ranges[i].start + maxChars; j++) n++;
    if (n > best) [best, bestStart] = [n, Math.max(0, ranges[i].start - 40)];
  }
  let start = bestStart;
  if (start > 0) {
    const space = text.indexOf(" ", start);
    start = space === -1 || space > start + 40 ? start : space + 1;
  }
  let end = Math.min(text.length, start + maxChars);
  if (end < text.length) {
    const space = text.lastIndexOf(" ", end);
    if (space > start + maxChars / 2) end = space;
  }
  const inside = ranges
    .filter((r) => r.end > start && r.start < end)
    .map((r) => ({ start: Math.max(r.start, start) - start, end: Math.min(r.end, end) - start }));
  const spans = spansFromRanges(text.slice(start, end), inside);
  if (start > 0) spans.unshift({ type: "text", text: "… " });
  if (end < text.length) spans.push({ type: "text", text: " …" });
  return spans;
}
