import type { Clock } from "../../clock.ts";
import { parseArxivId } from "../../papers/arxiv-id.ts";
import type { PaperInput } from "../../papers/types.ts";
import { createPoliteClient, type PoliteClient, TransientError } from "../polite-http.ts";
import { type AtomFeed, AtomParseError, atomErrorMessage, parseAtomFeed } from "./atom.ts";

/**
 * Looks papers up on the arXiv API by id. Used by `dailypapers fetch` and by community
 * submissions. Ids are all checked before the first request, so one typo costs no traffic.
 */
export interface FetchDeps {
  apiUrl: string;
  /** Pause between requests; arXiv asks for at least 3 s. */
  delayMs: number;
  clock?: Clock;
  /** Ids per request (the API pages at up to 2,000; 100 keeps each answer small). */
  batchSize?: number;
  maxTries?: number;
  backoffBaseMs?: number;
}

export interface FetchResult {
  found: PaperInput[];
  /** The requested ids (normalised, version kept when one was asked for) the API does not know. */
  missing: string[];
}

/** A malformed id, or an error answer from the API. The message is meant for people. */
export class ArxivApiError extends Error {}

function normaliseIds(inputs: string[]): { id: string; version: number | null; label: string }[] {
  const bad = inputs.filter((s) => parseArxivId(s) === null);
  if (bad.length > 0)
    throw new ArxivApiError(
      `${bad.map((s) => JSON.stringify(s)).join(", ")} ${bad.length === 1 ? "is not an arXiv id" : "are not arXiv ids"} ` +
        "(expected e.g. 2408.03361, 2408.03361v2, hep-th/9901001 or https://arxiv.org/abs/2408.03361)",
    );
  const seen = new Set<string>();
  const out: { id: string; version: number | null; label: string }[] = [];
  for (const s of inputs) {
    const p = parseArxivId(s) as { id: string; version: number | null };
    const label = p.version ? `${p.id}v${p.version}` : p.id;
    if (seen.has(label)) continue;
    seen.add(label);
    out.push({ ...p, label });
  }
  return out;
}

export async function fetchArxivPapers(ids: string[], deps: FetchDeps): Promise<FetchResult> {
  const wanted = normaliseIds(ids);
  if (wanted.length === 0) return { found: [], missing: [] };
  const client = createPoliteClient({
    delayMs: deps.delayMs,
    clock: deps.clock,
    maxTries: deps.maxTries,
    backoffBaseMs: deps.backoffBaseMs,
  });
  const batchSize = deps.batchSize ?? 100;
  const found: PaperInput[] = [];
  const missing: string[] = [];
  try {
    for (let i = 0; i < wanted.length; i += batchSize) {
      const batch = wanted.slice(i, i + batchSize);
      const feed = await queryArxivApi(client, deps.apiUrl, {
        id_list: batch.map((w) => w.label).join(","),
        max_results: String(batchSize),
      });
      const papers = feed.papers;
      const byId = new Map(papers.map((p) => [p.arxivId, p]));
      for (const w of batch) {
        const p = byId.get(w.id);
        if (p && (w.version === null || p.version === w.version)) found.push(stripLinks(p));
        else missing.push(w.label);
      }
    }
  } finally {
    client.close();
  }
  return { found, missing };
}

function stripLinks(p: PaperInput & { absUrl?: string; pdfUrl?: string | null }): PaperInput {
  const { absUrl: _a, pdfUrl: _p, ...paper } = p;
  return paper;
}

/**
 * One API request (search_query, id_list, start, max_results). Non-200 answers become an
 * ArxivApiError carrying the API's own explanation; a body that is not a feed is retried.
 */
export async function queryArxivApi(
  client: PoliteClient,
  apiUrl: string,
  params: { id_list?: string; search_query?: string; start?: string; max_results?: string },
): Promise<AtomFeed> {
  const url = new URL(apiUrl);
  url.searchParams.set("search_query", params.search_query ?? "");
  url.searchParams.set("id_list", params.id_list ?? "");
  url.searchParams.set("start", params.start ?? "0");
  url.searchParams.set("max_results", params.max_results ?? "100");
  return client.get(url.toString(), (res) => {
    if (res.status !== 200) {
      const why = atomErrorMessage(res.body);
      throw new ArxivApiError(`arXiv API answered HTTP ${res.status}${why ? `: ${why}` : ""}`);
    }
    try {
      return parseAtomFeed(res.body);
    } catch (err) {
      if (err instanceof AtomParseError) throw new TransientError(err.message);
      throw err;
    }
  });
}
