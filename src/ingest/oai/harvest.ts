import os from "node:os";
import type { Clock } from "../../clock.ts";
import type { Db } from "../../db/client.ts";
import { feedEntriesAddArxiv } from "../../feed/store.ts";
import { mergePapers, upsertPapers } from "../../papers/store.ts";
import type { PaperInput } from "../../papers/types.ts";
import { sumCounts, writeBatchOrEach } from "../batch-write.ts";
import { checkPaper, textMayNeedCleaning } from "../limits.ts";
import { createPoliteClient, TransientError } from "../polite-http.ts";
import type { Progress } from "../progress.ts";
import type { ImportIssue } from "../report.ts";
import { type OaiFormat, type OaiPage, OaiParseError, parseOaiPage } from "./parse.ts";
import {
  harvestErrorSave,
  harvestLockAcquire,
  harvestLockRelease,
  harvestPageSave,
  harvestStateByKey,
  harvestWindowFinish,
  harvestWindowStart,
  paperIdsExisting,
} from "./store.ts";

/**
 * One OAI-PMH ListRecords harvest of a set, resumable page by page. The scheduler and
 * `dailypapers harvest` both call this.
 */
export interface HarvestOptions {
  /** An arXiv set (cs, math, physics:hep-th, ...); undefined harvests everything. */
  set?: string;
  /** YYYY-MM-DD; undefined means "since the last successful harvest" (or everything). */
  from?: string;
  until?: string;
  format: OaiFormat;
}

export interface HarvestDeps {
  oaiUrl: string;
  delayMs: number;
  clock?: Clock;
  maxTries?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  progress?: Progress;
  /** Who holds the lease; defaults to host:pid. */
  owner?: string;
  leaseSeconds?: number;
  /** Put papers first seen in this harvest, announced within `days`, on this day's feed. */
  feed?: { date: string; days?: number };
  /** Asked before each page: true stops the harvest there (shutdown); the next run resumes. */
  shouldStop?: () => boolean;
  /** Test hook: runs after a page is fetched and parsed, before it is committed. */
  beforeCommit?: (page: OaiPage) => void | Promise<void>;
}

export interface HarvestResult {
  set: string;
  format: OaiFormat;
  from: string | null;
  until: string | null;
  resumed: boolean;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  deleted: number;
  feedAdded: number;
  restarts: number;
  /** Records refused (over a field limit, or by the database), each logged with its id. */
  skipped: number;
  /** The datestamp the next incremental harvest starts from. */
  lastDatestamp: string | null;
}

/** A harvest that could not finish. `userError` marks a request the user must change. */
export class HarvestError extends Error {
  constructor(
    message: string,
    readonly userError = false,
  ) {
    super(message);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_RESTARTS = 3;

export async function harvest(db: Db, opts: HarvestOptions, deps: HarvestDeps): Promise<HarvestResult> {
  for (const [name, v] of [
    ["--from", opts.from],
    ["--until", opts.until],
  ] as const)
    if (v !== undefined && (!DATE.test(v) || Number.isNaN(Date.parse(v))))
      throw new HarvestError(`${name} must be a date like 2024-08-07, got "${v}"`, true);
  if (opts.from && opts.until && opts.from > opts.until)
    throw new HarvestError(`--from (${opts.from}) is after --until (${opts.until})`, true);

  const key = { setSpec: opts.set ?? "", format: opts.format };
  const owner = deps.owner ?? `${os.hostname()}:${process.pid}`;
  const leaseSeconds = deps.leaseSeconds ?? 600;
  const prior = await harvestStateByKey(db, key.setSpec, key.format);
  if (!(await harvestLockAcquire(db, key, owner, leaseSeconds, deadHolder(prior?.lockedBy ?? null)))) {
    throw new HarvestError(
      `another harvest of ${describe(key)} is running (${prior?.lockedBy}); it holds the lock until ${prior?.lockedUntil?.toISOString()}`,
    );
  }
  const client = createPoliteClient({
    delayMs: deps.delayMs,
    clock: deps.clock,
    maxTries: deps.maxTries,
    backoffBaseMs: deps.backoffBaseMs,
    backoffCapMs: deps.backoffCapMs,
  });
  try {
    return await run(db, opts, deps, key, prior, client, leaseSeconds);
  } catch (err) {
    await harvestErrorSave(db, key, (err as Error).message).catch(() => {});
    throw err;
  } finally {
    client.close();
    await harvestLockRelease(db, key, owner).catch(() => {});
  }
}

async function run(
  db: Db,
  opts: HarvestOptions,
  deps: HarvestDeps,
  key: { setSpec: string; format: OaiFormat },
  prior: Awaited<ReturnType<typeof harvestStateByKey>>,
  client: ReturnType<typeof createPoliteClient>,
  leaseSeconds: number,
): Promise<HarvestResult> {
  const resumable =
    prior?.status === "running" &&
    (opts.from === undefined || opts.from === prior.windowFrom) &&
    (opts.until === undefined || opts.until === prior.windowUntil);
  const window = resumable
    ? { from: prior.windowFrom, until: prior.windowUntil }
    : { from: opts.from ?? prior?.lastDatestamp ?? null, until: opts.until ?? null };
  let token = resumable ? prior.resumptionToken : null;
  // A running server's PGlite, reached through its socket, takes no COPY: merge from JSON there.
  const bulk = db.sharedWithServer !== true;
  if (!resumable) await harvestWindowStart(db, key, window, false);
  const totals = {
    pages: 0,
    records: 0,
    inserted: 0,
    updated: 0,
    deleted: 0,
    feedAdded: 0,
    restarts: 0,
    skipped: 0,
  };
  deps.progress?.tick(resumable ? prior.cursor : 0);
  if (resumable && prior.completeListSize) deps.progress?.setTotal(prior.completeListSize);

  for (;;) {
    if (deps.shouldStop?.())
      throw new HarvestError("stopped before the end; the next run resumes from the last committed page");
    const url = new URL(deps.oaiUrl);
    url.searchParams.set("verb", "ListRecords");
    if (token) url.searchParams.set("resumptionToken", token);
    else {
      url.searchParams.set("metadataPrefix", key.format);
      if (key.setSpec) url.searchParams.set("set", key.setSpec);
      if (window.from) url.searchParams.set("from", window.from);
      if (window.until) url.searchParams.set("until", window.until);
    }
    const { page, mayNeedCleaning } = await client.get(url.toString(), (res) => {
      if (res.status !== 200) throw new HarvestError(`the OAI-PMH server answered HTTP ${res.status}`);
      try {
        return { page: parseOaiPage(res.body), mayNeedCleaning: textMayNeedCleaning(res.body, "xml") };
      } catch (err) {
        if (err instanceof OaiParseError) throw new TransientError(err.message);
        throw err;
      }
    });
    if (page.error) {
      const code = page.error.code;
      if (code === "noRecordsMatch") break;
      if (code === "badResumptionToken" && token && totals.restarts < MAX_RESTARTS) {
        // Tokens expire. Records are upserted idempotently, so replaying the window is safe.
        totals.restarts++;
        token = null;
        await harvestWindowStart(db, key, window, true);
        continue;
      }
      throw oaiError(code, page.error.message, key);
    }
    if (page.completeListSize !== null) deps.progress?.setTotal(page.completeListSize);
    await deps.beforeCommit?.(page);
    const saved = await db.transaction((tx) =>
      storePage(tx, page, { deps, key, leaseSeconds, bulk, mayNeedCleaning }),
    );
    totals.pages++;
    totals.records += page.records.length;
    totals.inserted += saved.inserted;
    totals.updated += saved.updated;
    totals.deleted += saved.deleted;
    totals.feedAdded += saved.feedAdded;
    totals.skipped += saved.skipped.length;
    for (const issue of saved.skipped) deps.progress?.log(`skipped ${issue.where}: ${issue.reason}`);
    deps.progress?.tick(page.records.length);
    if (!page.token) break;
    token = page.token;
  }
  await harvestWindowFinish(db, key);
  const after = await harvestStateByKey(db, key.setSpec, key.format);
  return {
    set: key.setSpec,
    format: key.format,
    from: window.from,
    until: window.until,
    resumed: resumable,
    ...totals,
    lastDatestamp: after?.lastDatestamp ?? null,
  };
}

/** How a page is stored: `bulk` through COPY; `mayNeedCleaning` false when the page holds no control characters. */
interface PageStore {
  deps: HarvestDeps;
  key: { setSpec: string; format: OaiFormat };
  leaseSeconds: number;
  bulk: boolean;
  mayNeedCleaning: boolean;
}

async function storePage(
  tx: Parameters<Parameters<Db["transaction"]>[0]>[0],
  page: OaiPage,
  { deps, key, leaseSeconds, bulk, mayNeedCleaning }: PageStore,
) {
  const skipped: ImportIssue[] = [];
  const checked: PaperInput[] = [];
  for (const r of page.records) {
    if (r.problem !== null) skipped.push({ where: r.id, reason: r.problem });
    if (r.paper === null || r.paper.arxivId === "") continue;
    const c = checkPaper(r.paper, mayNeedCleaning);
    if (c.ok) checked.push(c.paper);
    else skipped.push({ where: r.id, reason: c.reason });
  }
  // Asked before writing: this tells newly announced papers from updates.
  const existing = deps.feed
    ? await paperIdsExisting(
        tx,
        checked.map((p) => p.arxivId),
      )
    : new Set<string>();
  const zero = { inserted: 0, updated: 0, unchanged: 0 };
  const stored: PaperInput[] = [];
  const written = await writeBatchOrEach(
    tx,
    checked,
    async (t, ps) => {
      const c = await (bulk ? mergePapers : upsertPapers)(t, ps);
      stored.push(...ps);
      return c;
    },
    (p) => `oai:arXiv.org:${p.arxivId}`,
    (issue) => skipped.push(issue),
  );
  const counts = sumCounts(written, zero);
  const papers = stored;
  const deleted = page.records.filter((r) => r.deleted).length;
  let feedAdded = 0;
  if (deps.feed) {
    const day = Date.parse(deps.feed.date);
    const since = day - (deps.feed.days ?? 7) * 86_400_000;
    const inWindow = (t: number) => t >= since && t < day + 86_400_000;
    const fresh = papers
      .filter((p) => !existing.has(p.arxivId) && inWindow(p.publishedAt?.getTime() ?? 0))
      .map((p) => p.arxivId);
    feedAdded = await feedEntriesAddArxiv(tx, fresh, deps.feed.date);
  }
  const datestamps = page.records.map((r) => r.datestamp).filter((d) => DATE.test(d));
  await harvestPageSave(tx, key, {
    token: page.token,
    cursor: (page.cursor ?? 0) + page.records.length,
    completeListSize: page.completeListSize,
    maxDatestamp: datestamps.sort().at(-1) ?? null,
    records: page.records.length,
    inserted: counts.inserted,
    updated: counts.updated,
    deleted,
    leaseSeconds,
  });
  return { inserted: counts.inserted, updated: counts.updated, deleted, feedAdded, skipped };
}

function describe(key: { setSpec: string; format: string }): string {
  return `${key.setSpec ? `set ${key.setSpec}` : "all sets"} (${key.format})`;
}

function oaiError(code: string, message: string, key: { setSpec: string; format: string }): HarvestError {
  if (code === "badArgument")
    return new HarvestError(
      `arXiv rejected the request for ${describe(key)} as a bad argument: ${message.replace(/\.$/, "")}. Check --set, --from and --until.`,
      true,
    );
  if (code === "badResumptionToken")
    return new HarvestError(
      `arXiv kept refusing resumption tokens for ${describe(key)} (${message}); try again later.`,
    );
  if (code === "cannotDisseminateFormat")
    return new HarvestError(`arXiv cannot deliver the ${key.format} format: ${message}`, true);
  return new HarvestError(`arXiv answered ${code} for ${describe(key)}: ${message}`);
}

/** A lease held by a process on this host that no longer exists can be taken over at once. */
function deadHolder(holder: string | null): string | null {
  if (!holder) return null;
  const [host, pid] = holder.split(":");
  if (host !== os.hostname() || !/^\d+$/.test(pid ?? "") || Number(pid) === process.pid) return null;
  try {
    process.kill(Number(pid), 0);
    return null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH" ? holder : null;
  }
}
