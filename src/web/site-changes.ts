import type { Db, Queryable } from "../db/client.ts";

/**
 * What this node knows of the site's changes: the newest `site_version` step and, for each
 * scope, the newest step that changed it (migration 0250 writes them at commit on any node).
 * The page cache asks it before each cached page, so reads are shared: a request waits for a
 * read that started after it arrived (so it sees every commit made before it), and all the
 * requests that arrive while one read runs share the next one. Under load that is one query
 * per round trip, not one per request, with no staleness window.
 *
 * On PGlite owned by this process nothing can change without a turn of its one session, so
 * while the turn count stands still since a read began, the last read still holds: pages are
 * served from memory without asking the database at all.
 */
export class SiteChanges {
  private known = -1;
  private allChangedAt = -1;
  private changedAt = new Map<string, number>();
  /** Bumped when the number goes back (a restore): everything stored before is stale. */
  private epoch = 0;
  private reading: Promise<Seen> | null = null;
  private next: Promise<Seen> | null = null;
  private last: Seen | null = null;
  /** The turn count just before the last read: no turn since, nothing changed since. */
  private quietAt = -1;

  constructor(
    private readonly db: Queryable & Pick<Db, "turns">,
    /** Beyond this many changed scopes, forget them and treat the site as changed everywhere. */
    private readonly maxScopes = 50_000,
  ) {}

  /** The newest step, from a read that started after this call. */
  seen(): Promise<Seen> {
    // Our own read is one turn: the count stands one past the mark when no one else ran.
    if (this.last && this.db.turns?.() === this.quietAt + 1) return Promise.resolve(this.last);
    if (!this.reading) {
      this.reading = this.read().finally(() => {
        this.reading = null;
      });
      return this.reading;
    }
    // The running read may have started before this request's writes were visible to it.
    this.next ??= this.reading
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.next = null;
        return this.seen();
      });
    return this.next;
  }

  /** Whether nothing in `scopes` (nor the whole site) changed after `at`. */
  unchangedSince(at: Seen, scopes: readonly string[]): boolean {
    if (at.epoch !== this.epoch || this.allChangedAt > at.version) return false;
    return scopes.every((s) => (this.changedAt.get(s) ?? -1) <= at.version);
  }

  private async read(): Promise<Seen> {
    const since = this.known;
    const turnsBefore = this.db.turns?.() ?? -1;
    // On the first read nothing is cached yet, so the steps before it do not matter.
    const rows = await this.db.query<{ version: number; step: number | null; scope: string | null }>(
      `select s.version, c.version as step, c.scope
         from site_version s left join page_changes c on $1::bigint >= 0 and c.version > $1::bigint`,
      [since],
    );
    const version = Number(rows[0]?.version ?? 0);
    if (version < since) {
      this.epoch++;
      this.changedAt.clear();
      this.allChangedAt = -1;
    }
    const steps = new Set<number>();
    for (const r of rows) {
      if (r.step === null || r.scope === null) continue;
      const step = Number(r.step);
      steps.add(step);
      if (r.scope === "*") this.allChangedAt = Math.max(this.allChangedAt, step);
      else this.changedAt.set(r.scope, Math.max(this.changedAt.get(r.scope) ?? -1, step));
    }
    // Every step writes a row: a missing one was pruned (a node long idle), so assume the worst.
    if (since >= 0 && version > since && steps.size < version - since) this.allChangedAt = version;
    if (this.changedAt.size > this.maxScopes) {
      this.changedAt.clear();
      this.allChangedAt = version;
    }
    this.known = version;
    this.last = { version, epoch: this.epoch };
    this.quietAt = turnsBefore;
    return this.last;
  }
}

export interface Seen {
  version: number;
  epoch: number;
}

/** Scopes, as migration 0250 writes them. */
export const paperScope = (arxivId: string) => `paper:${arxivId}`;
export const dayScope = (feedDate: string) => `day:${feedDate}`;
/** Pages that rank every paper by its votes (trending) depend on any vote. */
export const ANY_VOTE = "votes";
