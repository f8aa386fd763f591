import type { Queryable } from "../../src/db/client.ts";
import { upsertPapers } from "../../src/papers/store.ts";
import type { PaperInput } from "../../src/papers/types.ts";

/**
 * Two subjects a person might follow at once, and filler: graph networks for molecules, speech
 * recognition, and unrelated papers. Each paper's text shares the subject's vocabulary with
 * variations, as real abstracts do.
 */
const SUBJECTS = {
  molecules: {
    words: [
      "graph neural network",
      "molecular property prediction",
      "message passing",
      "molecule",
      "chemistry",
      "drug discovery",
      "atoms and bonds",
    ],
    title: (i: number) => `Message passing graph networks for molecular property prediction ${i}`,
  },
  speech: {
    words: [
      "speech recognition",
      "acoustic model",
      "audio",
      "transcription",
      "speaker",
      "end-to-end ASR",
      "spectrogram",
    ],
    title: (i: number) => `End-to-end speech recognition with acoustic models ${i}`,
  },
  filler: {
    words: ["galaxy", "cosmology", "dark matter", "telescope", "redshift", "supernova", "stellar"],
    title: (i: number) => `Dark matter in galaxy clusters observed at high redshift ${i}`,
  },
} as const;

export type Subject = keyof typeof SUBJECTS;

let seq = 0;

export function subjectPaper(subject: Subject, opts: { publishedAt: Date; authors?: string[] }): PaperInput {
  seq += 1;
  const s = SUBJECTS[subject];
  const w = (k: number) => s.words[(seq + k) % s.words.length];
  return {
    arxivId: `2411.${String(20000 + seq).slice(-5)}`,
    version: 1,
    title: s.title(seq),
    abstract: `We study ${w(0)} and ${w(1)}. Our method improves ${w(2)} using ${w(3)}, with experiments on ${w(4)} and ${w(5)}; ${w(6)} benefit as well.`,
    authors: (opts.authors ?? [`Author ${subject} ${seq % 3}`]).map((name) => ({ name })),
    categories: ["cs.LG"],
    primaryCategory: "cs.LG",
    publishedAt: opts.publishedAt,
    source: "sample",
  };
}

export async function insertSubjectPapers(
  db: Queryable,
  subject: Subject,
  n: number,
  opts: { publishedAt: Date; authors?: string[] },
): Promise<PaperInput[]> {
  const papers = Array.from({ length: n }, () => subjectPaper(subject, opts));
  await upsertPapers(db, papers);
  return papers;
}
