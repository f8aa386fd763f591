import type { CandidatePool } from "./pool.ts";
import type { ScoredPaper } from "./rank-pool.ts";
import type { Boost, Interest, Reason } from "./types.ts";

/**
 * A person's model applied to one candidate pool: their interests, and the candidates it kept
 * (pool index, score, interest) best first. What a request still does on top
 * is per-request: drop what the person has seen since, take turns at the top, load the papers.
 */
export interface CachedRanking {
  /** The person's signal version it was trained at (recommend_signal_versions). */
  version: string;
  /** Cold start: no signal at all, so trending papers are shown. */
  cold: boolean;
  interests: Interest[];
  scored: ScoredPaper[];
  boosts: Map<string, Boost[]>;
  /** Each shown candidate's reasons, worked out once (by pool index). */
  reasons: Map<number, Reason[]>;
  /** The interest each shown or offered candidate is like a paper of (alike.ts; -1: none), by pool index. */
  like: Map<number, number>;
}

const MAX_CACHED_PEOPLE = 2000;

/**
 * Rankings in memory, per pool (a rebuilt pool has new papers and a new keyword space,
 * so its rankings start afresh) and per person, least recently used dropped first. A ranking is
 * reused while the person's signal version is the one it was trained at; any vote, save,
 * dismissal or follow moves the version (a trigger), on whichever node it happened.
 */
export class RankerCache {
  private readonly byPool = new WeakMap<CandidatePool, Map<number, CachedRanking>>();

  constructor(private readonly maxPeople = MAX_CACHED_PEOPLE) {}

  get(pool: CandidatePool, userId: number, version: string): CachedRanking | undefined {
    const people = this.byPool.get(pool);
    const hit = people?.get(userId);
    if (!people || !hit || hit.version !== version) return undefined;
    people.delete(userId);
    people.set(userId, hit);
    return hit;
  }

  /** The signal version of the person's kept ranking, if any (without touching its recency). */
  versionOf(pool: CandidatePool, userId: number): string | null {
    return this.byPool.get(pool)?.get(userId)?.version ?? null;
  }

  set(pool: CandidatePool, userId: number, ranking: CachedRanking): void {
    let people = this.byPool.get(pool);
    if (!people) {
      people = new Map();
      this.byPool.set(pool, people);
    }
    people.delete(userId);
    people.set(userId, ranking);
    while (people.size > this.maxPeople) people.delete(people.keys().next().value as number);
  }

  /** Forget every ranking of a pool (the speed benchmark measures applying stored models). */
  clear(pool: CandidatePool): void {
    this.byPool.delete(pool);
  }
}
