/** Screening metrics over a ranking of ids, against the set of relevant ids still to be found. */

export function averagePrecision(ranking: string[], relevant: Set<string>): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  ranking.forEach((id, i) => {
    if (relevant.has(id)) sum += ++hits / (i + 1);
  });
  return sum / relevant.size;
}

export function recallAt(ranking: string[], relevant: Set<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (const id of ranking.slice(0, k)) if (relevant.has(id)) hits++;
  return hits / relevant.size;
}

/** Work saved over sampling at 95% recall: (N − n95)/N − 0.05. */
export function wssAt95(ranking: string[], relevant: Set<string>): number {
  const need = Math.ceil(0.95 * relevant.size);
  let hits = 0;
  let n95 = ranking.length;
  for (let i = 0; i < ranking.length; i++) {
    if (relevant.has(ranking[i]) && ++hits >= need) {
      n95 = i + 1;
      break;
    }
  }
  return (ranking.length - n95) / ranking.length - 0.05;
}

export function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length;
}
