/**
 * A first-come-first-served mutex over PGlite's one session. PGlite has a single connection: a
 * transaction opened by a CLI over the socket and the server's own queries share it, so whoever
 * holds the gate runs alone until it is back at an idle prompt (no open transaction). Owners are
 * tokens: the socket holds it across the many messages of one transaction, the server for one
 * query or one transaction at a time. First come, first served, so a long job that commits in
 * batches lets the site's waiting queries in between its batches.
 */
export class SessionGate {
  #holder: symbol | null = null;
  #waiters: { owner: symbol; resolve: () => void; reject: (e: Error) => void }[] = [];
  #turns = 0;

  /**
   * Turns finished so far (a query, a transaction, a socket client back at an idle prompt).
   * Whatever anyone committed, they committed within a turn: while this number stands still,
   * the database is as it was (web/site-changes.ts reads nothing then).
   */
  get turns(): number {
    return this.#turns;
  }

  get holder(): symbol | null {
    return this.#holder;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /** Resolves once `owner` holds the gate (at once if it already does). */
  acquire(owner: symbol): Promise<void> {
    if (this.#holder === owner) return Promise.resolve();
    if (this.#holder === null) {
      this.#holder = owner;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#waiters.push({ owner, resolve, reject }));
  }

  release(owner: symbol): void {
    if (this.#holder !== owner) return;
    this.#turns++;
    const next = this.#waiters.shift();
    this.#holder = next?.owner ?? null;
    next?.resolve();
  }

  /** Drops `owner`'s pending acquisitions (its connection went away while it waited). */
  cancel(owner: symbol, reason: Error): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (w.owner !== owner) return true;
      w.reject(reason);
      return false;
    });
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const me = Symbol("query");
    await this.acquire(me);
    try {
      return await fn();
    } finally {
      this.release(me);
    }
  }
}
