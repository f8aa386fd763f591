import { dot } from "./vectors.ts";

/**
 * The similarity floor: the cosine below which a paper is not "similar" to a query, so that
 * semantic search can answer "nothing" instead of the least-bad papers. Every query vector has
 * nearest neighbours, even "zzzzqqq"; what makes a match is a cosine that unrelated texts
 * rarely reach.
 *
 * Calibration, per model and corpus: paper titles stand in for queries (short, topical), and
 * their cosines with OTHER papers' texts are what chance gives. The floor is the
 * `percentile` of those chance cosines. Titles with their own paper are reported beside it
 * (bench/scifact.ts) as how much true similarity survives.
 */
const FLOOR_PERCENTILE = 0.99;
const PAIRS_PER_QUERY = 64;

export interface FloorCalibration {
  floor: number;
  /** Share of titles whose own paper clears the floor. */
  ownAbove: number;
}

/** queries[i] is the title of docs[i]; all are unit vectors (zero vectors are skipped). */
export function calibrateFloor(
  queries: Float32Array[],
  docs: Float32Array[],
  percentile = FLOOR_PERCENTILE,
): FloorCalibration {
  const n = Math.min(queries.length, docs.length);
  const usable = [...Array(n).keys()].filter((i) => !isZeroVector(queries[i]));
  const chance: number[] = [];
  // A fixed stride walks other papers without a random source, so a calibration repeats.
  for (const i of usable)
    for (let j = 1; j <= Math.min(PAIRS_PER_QUERY, n - 1); j++) {
      const other = (i + j * 7919) % n;
      if (other !== i) chance.push(dot(queries[i], docs[other]));
    }
  if (chance.length === 0) return { floor: 0, ownAbove: 0 };
  chance.sort((a, b) => a - b);
  const floor = chance[Math.min(chance.length - 1, Math.floor(percentile * chance.length))];
  const above = usable.filter((i) => dot(queries[i], docs[i]) >= floor).length;
  return { floor, ownAbove: above / usable.length };
}

/** True when a query vector carries no information (none of its words is known to the model). */
export function isZeroVector(v: Float32Array): boolean {
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return false;
  return true;
}
