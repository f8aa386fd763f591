import assert from "node:assert/strict";
import { test } from "node:test";
import { interestLabelFromTitles } from "./interest-label.ts";

test("an interest is named by the phrase its titles share, longest first", () => {
  assert.equal(
    interestLabelFromTitles([
      "EnvACE: Internalizing Environment Dynamics via World Rehearsal for Agentic Reinforcement Learning",
      "SKILLER: Language-Level Reinforcement Learning for Reusable Skill Extraction in Small Language Models",
      "Reinforcement Learning with Evolving Rubrics as Rewards for Audio Reasoning",
    ]),
    "Reinforcement Learning",
  );
});

test("two subjects shared by the papers make a two-part name; plurals count as one", () => {
  assert.equal(
    interestLabelFromTitles([
      "Diffusion Models for Molecule Generation",
      "A Diffusion Model of Protein Structure and Molecules",
      "Equivariant Diffusion Models for Molecule Docking",
      "Scaling Laws in Vision",
    ]),
    "Diffusion Models · Molecule",
  );
});

test("titles with nothing worth naming in common, or one title, give no name", () => {
  assert.equal(
    interestLabelFromTitles(["Towards Interpretable Foundation Models for Retinal Fundus Images"]),
    null,
  );
  assert.equal(
    interestLabelFromTitles([
      "Towards Interpretable Foundation Models for Retinal Fundus Images",
      "GMAI-MMBench: A Comprehensive Multimodal Evaluation Benchmark Towards General Medical AI",
    ]),
    null,
    "shared only 'Towards', a filler word",
  );
});

test("a word that names no subject alone is no name, though it may close a phrase", () => {
  assert.equal(
    interestLabelFromTitles([
      "Progressive Agent Skill Generation via Reinforcement Learning",
      "SKILLER: Language-Level Reinforcement Learning in Small Language Models",
      "Towards Interpretable Foundation Models for Retinal Fundus Images",
      "GMAI-MMBench: A Comprehensive Benchmark Towards General Medical AI",
      "EnvACE: World Rehearsal for Agentic Reinforcement Learning and World Models",
    ]),
    "Reinforcement Learning",
  );
});
