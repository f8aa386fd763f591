import type { FastifyInstance } from "fastify";
import { harvestStates } from "../../ingest/oai/store.ts";
import { syncRunsRecent } from "../../ingest/sync/store.ts";
import { nextSyncRun } from "../../scheduler/jobs.ts";
import { requirePolicy } from "../accounts/guards.ts";
import type { AppDeps } from "../app.ts";
import { pageContext } from "../context.ts";
import { html } from "../html.ts";
import { page } from "../layout.ts";

/** What an admin needs to see whether arXiv ingestion is healthy: the same facts as `dailypapers status`. */
export function registerAdminStatus(
  app: FastifyInstance,
  deps: Pick<AppDeps, "db" | "config" | "now">,
): void {
  app.get("/admin/status", { preValidation: requirePolicy("administer") }, async (req, reply) => {
    const { config } = deps;
    const [runs, states] = await Promise.all([syncRunsRecent(deps.db, 10), harvestStates(deps.db)]);
    const next = config.syncEnabled ? nextSyncRun(config, deps.now()) : null;
    const body = html`<div class="page-head"><h1>Ingestion status</h1></div>
      <section class="side-box">
        <h2>Daily arXiv sync</h2>
        ${
          next
            ? html`<p>On: sets <strong>${config.syncSets.join(", ")}</strong> at ${config.syncTime} (${config.syncTz}).
                Next run <time datetime="${next.toISOString()}">${next.toISOString()}</time>.</p>`
            : html`<p>Off. Set <code>SYNC_ENABLED=true</code> (and <code>SYNC_SETS</code>, <code>SYNC_TIME</code>,
                <code>SYNC_TZ</code>) to keep the feed in sync with arXiv.</p>`
        }
        <table class="status-table">
          <thead><tr><th>Started</th><th>Status</th><th>Records</th><th>New</th><th>Updated</th><th>On the feed</th><th>Error</th></tr></thead>
          <tbody>
          ${runs.map(
            (r) => html`<tr>
              <td>${r.startedAt.toISOString()}</td><td>${r.status}</td><td>${r.records}</td><td>${r.inserted}</td>
              <td>${r.updated}</td><td>${r.feedAdded}</td><td>${r.error ?? ""}</td></tr>`,
          )}
          ${runs.length === 0 ? html`<tr><td colspan="7">No sync run yet.</td></tr>` : ""}
          </tbody>
        </table>
      </section>
      <section class="side-box">
        <h2>Harvests</h2>
        <table class="status-table">
          <thead><tr><th>Set</th><th>Format</th><th>Status</th><th>Window</th><th>Records</th><th>Next --from</th><th>Last error</th></tr></thead>
          <tbody>
          ${states.map(
            (s) => html`<tr>
              <td>${s.setSpec || "all"}</td><td>${s.format}</td><td>${s.status}${s.lockedBy ? ` (locked by ${s.lockedBy})` : ""}</td>
              <td>${s.windowFrom ?? "start"} … ${s.windowUntil ?? "now"}</td>
              <td>${s.records}${s.completeListSize ? ` / ${s.completeListSize}` : ""}</td>
              <td>${s.lastDatestamp ?? "(start)"}</td><td>${s.lastError ?? ""}</td></tr>`,
          )}
          ${states.length === 0 ? html`<tr><td colspan="7">No harvest yet. Run <code>dailypapers harvest --set cs</code>.</td></tr>` : ""}
          </tbody>
        </table>
      </section>`;
    return reply
      .type("text/html; charset=utf-8")
      .send(page({ title: "Ingestion status", body, ctx: pageContext(req) }));
  });
}
