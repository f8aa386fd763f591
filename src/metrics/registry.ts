import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's metrics, on a registry of its own: several apps built in one process (tests)
 * never share or double-register a metric. Figures that live in the database (outbox, imports,
 * harvests) are read at scrape time by the collectors given here, so every node reports the
 * same truth whichever process did the work.
 */
export interface MetricsCollectors {
  /** How far each in-process index is behind its table. */
  indexLag?: () => Promise<IndexLag[]>;
  /** Figures read from the database at scrape time. */
  stored?: () => Promise<StoredFigures>;
}

export interface IndexLag {
  index: "keyword" | "vector";
  /** Rows written to the table since the index last caught up. */
  rows: number;
  /** Seconds since the index last caught up (0 while it has nothing to catch up), where known. */
  seconds?: number;
}

export interface StoredFigures {
  outbox: { status: string; count: number }[];
  /** Digest deliveries given up or bounced, as recorded in the outbox. */
  outboxFailed: number;
  /** Running totals of every file import, by kind and outcome (inserted, updated, failed, ...). */
  imports: { kind: string; outcome: string; count: number }[];
  /** Each set's current (or last) OAI-PMH harvest window, by outcome, whichever process ran it. */
  harvests: { set: string; outcome: string; count: number }[];
  syncRuns: { status: string; count: number }[];
  /** Records the daily sync has handled over all its recorded runs, by outcome. */
  syncRecords: { outcome: string; count: number }[];
}

export type Metrics = ReturnType<typeof createMetrics>;

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10];

export function createMetrics(collectors: MetricsCollectors = {}) {
  const registry = new Registry();
  const http = new Histogram({
    name: "dailypapers_http_request_duration_seconds",
    help: "HTTP requests by route pattern, method and status, with their durations",
    labelNames: ["route", "method", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const search = new Histogram({
    name: "dailypapers_search_duration_seconds",
    help: "Search latency by the mode that answered (keyword, semantic, hybrid)",
    labelNames: ["mode"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const digestSends = new Counter({
    name: "dailypapers_digest_sends_total",
    help: "Digest sends by this process's scheduler, by outcome (sent, failed, retried, skipped)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const jobRuns = new Histogram({
    name: "dailypapers_job_duration_seconds",
    help: "Recurring job runs on this node by job and outcome (ok, failed, stopped)",
    labelNames: ["job", "outcome"] as const,
    buckets: [0.01, 0.1, 1, 10, 60, 600, 3600],
    registers: [registry],
  });
  const leaseHeld = new Gauge({
    name: "dailypapers_job_lease_held",
    help: "1 while this node holds the job's lease",
    labelNames: ["job"] as const,
    registers: [registry],
  });

  const lagRows = new Gauge({
    name: "dailypapers_search_index_lag_rows",
    help: "Rows written to the table that this process's index has not taken in yet",
    labelNames: ["index"] as const,
    registers: [registry],
  });
  const lagSeconds = new Gauge({
    name: "dailypapers_search_index_lag_seconds",
    help: "Seconds since this process's index last caught up with a table that has moved on",
    labelNames: ["index"] as const,
    registers: [registry],
  });
  const stored = storedGauges(registry);

  return {
    registry,
    observeRequest(route: string, method: string, status: number, seconds: number) {
      http.observe({ route, method, status: String(status) }, seconds);
    },
    observeSearch(mode: string, seconds: number) {
      search.observe({ mode }, seconds);
    },
    countDigestSends(stats: { sent: number; failed: number; retried: number; skipped: number }) {
      for (const outcome of ["sent", "failed", "retried", "skipped"] as const)
        if (stats[outcome] > 0) digestSends.inc({ outcome }, stats[outcome]);
    },
    jobs: {
      runFinished(job: string, outcome: string, seconds: number) {
        jobRuns.observe({ job, outcome }, seconds);
      },
      leaseHeld(job: string, held: boolean) {
        leaseHeld.set({ job }, held ? 1 : 0);
      },
    },
    /** The Prometheus text exposition, with the scrape-time figures read first. */
    async render(): Promise<{ contentType: string; body: string }> {
      const [lag, figures] = await Promise.all([collectors.indexLag?.(), collectors.stored?.()]);
      for (const l of lag ?? []) {
        lagRows.set({ index: l.index }, l.rows);
        if (l.seconds !== undefined) lagSeconds.set({ index: l.index }, l.seconds);
      }
      if (figures) stored.set(figures);
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

function storedGauges(registry: Registry) {
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const outbox = gauge("dailypapers_outbox_rows", "Digest outbox rows by status (depth: pending)", [
    "status",
  ]);
  const outboxFailed = gauge(
    "dailypapers_outbox_failed_rows",
    "Digests given up or bounced, as recorded in the outbox",
    [],
  );
  const imports = gauge(
    "dailypapers_import_records",
    "Records handled by file imports (every process), by kind and outcome",
    ["kind", "outcome"],
  );
  const harvests = gauge(
    "dailypapers_harvest_window_records",
    "Records in each set's current or last OAI-PMH harvest window (every process), by outcome",
    ["set", "outcome"],
  );
  const syncRuns = gauge("dailypapers_sync_runs", "Daily arXiv sync runs by status", ["status"]);
  const syncRecords = gauge(
    "dailypapers_sync_records",
    "Records handled by the daily arXiv sync over its recorded runs, by outcome",
    ["outcome"],
  );
  return {
    set(f: StoredFigures) {
      for (const g of [outbox, imports, harvests, syncRuns, syncRecords]) g.reset();
      for (const r of f.outbox) outbox.set({ status: r.status }, r.count);
      outboxFailed.set(f.outboxFailed);
      for (const r of f.imports) imports.set({ kind: r.kind, outcome: r.outcome }, r.count);
      for (const r of f.harvests) harvests.set({ set: r.set, outcome: r.outcome }, r.count);
      for (const r of f.syncRuns) syncRuns.set({ status: r.status }, r.count);
      for (const r of f.syncRecords) syncRecords.set({ outcome: r.outcome }, r.count);
    },
  };
}
