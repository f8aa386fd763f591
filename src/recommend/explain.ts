import { dot } from "../search/embed/vectors.ts";
import { similarity } from "./similarity.ts";
import type { Boost, Features, Interest, PositiveKind, PositiveSignal, Reason } from "./types.ts";

/**
 * Why a paper is recommended, from what actually scored it: the two papers of its interest it is
 * most like ("Because you saved X and Y"), any direct match (a followed author wrote it, it is in
 * a followed topic), else the followed author or topic whose interest it serves ("Like the papers
 * of Z"), never worded as if Z had written it.
 */
export function reasonsFor(candidate: Features, interest: Interest | null, boosts: Boost[]): Reason[] {
  const out: Reason[] = [];
  for (const b of boosts)
    out.push(b.kind === "author" ? { kind: "author", name: b.label } : { kind: "topic", name: b.label });
  if (interest?.kind === "papers") {
    // By embedding when both have one: a stored member keeps its embedding for this, and its
    // keywords would first have to be looked up in the pool's vocabulary (thousands of look-ups
    // per view); by keywords and embedding blended otherwise.
    const alike = (m: PositiveSignal) => {
      const d = candidate.dense && m.features.dense;
      return d ? dot(candidate.dense as Float32Array, d) : similarity(candidate, m.features);
    };
    const nearest = interest.members
      .map((m) => ({ m, s: alike(m) }))
      .sort((a, b) => b.s - a.s || (a.m.id < b.m.id ? -1 : 1))
      .slice(0, 2)
      .map(({ m }) => ({ id: m.id, title: m.title, kind: m.kind }));
    out.push({ kind: "similar", to: nearest });
  } else if (interest) {
    const r: Reason =
      interest.kind === "author"
        ? { kind: "author", name: interest.label, like: true }
        : { kind: "topic", name: interest.label, like: true };
    if (!out.some((o) => o.kind === r.kind && o.name === r.name)) out.push(r);
  }
  return out;
}

const VERB: Record<PositiveKind, string> = {
  saved: "saved",
  upvoted: "upvoted",
  collected: "collected",
  picked: "picked",
  author: "follow the author of",
  topic: "follow the topic of",
};

/**
 * One reason as a sentence; titles are quoted with typographic quotes. A weaker match (`weak`:
 * below the model's line, or like none of the person's papers) names the papers it is nearest
 * to, not a cause: "Because you saved X" of a paper unlike X would be untrue.
 */
export function reasonText(r: Reason, weak = false): string {
  if (r.kind === "author") {
    if (!r.like) return `${r.name}, whom you follow`;
    return weak
      ? `Nearest to the papers of ${r.name}, whom you follow`
      : `Like the papers of ${r.name}, whom you follow`;
  }
  if (r.kind === "topic") {
    if (!r.like) return `Your topic ${r.name}`;
    return weak ? `Nearest to your topic ${r.name}` : `Close to your topic ${r.name}`;
  }
  const [a, b] = r.to;
  if (weak) {
    if (!a) return "Nearest to what you keep";
    return b
      ? `Nearest to “${a.title}” and “${b.title}”, of the papers you keep`
      : `Nearest to “${a.title}”, of the papers you keep`;
  }
  if (!a) return "Because of what you saved";
  if (!b) return `Because you ${VERB[a.kind]} “${a.title}”`;
  return a.kind === b.kind
    ? `Because you ${VERB[a.kind]} “${a.title}” and “${b.title}”`
    : `Because you ${VERB[a.kind]} “${a.title}” and ${VERB[b.kind]} “${b.title}”`;
}
