import assert from "node:assert/strict";
import { test } from "node:test";
import { interestLabel, interestLabelFromTitles, shortTitle } from "./interest-label.ts";

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

// In a pool of machine-learning papers these name no subject of their own.
const commonInMl = (word: string) =>
  ["model", "models", "learning", "deep", "language", "images"].includes(word);

test("papers whose titles word a subject differently are named by the phrase their abstracts share", () => {
  const members = [
    {
      title: "Detecting Optic Nerve Damage from Fundus Photographs",
      abstract: "We study glaucoma screening in primary care. A deep model reads fundus photographs.",
    },
    {
      title: "A Low-Cost Smartphone Pipeline for Eye Disease",
      abstract: "Glaucoma screening is costly. We propose a pipeline that runs on a phone.",
    },
    {
      title: "Uncertainty for Retinal Diagnosis",
      abstract: "Deep learning models for glaucoma screening are overconfident; we calibrate them.",
    },
  ];
  assert.equal(interestLabelFromTitles(members.map((m) => m.title)), null);
  assert.equal(interestLabel(members, commonInMl), "Glaucoma Screening");
});

test("a phrase of common words or of an abstract's boilerplate names nothing", () => {
  const common = [
    { title: "Alpha", abstract: "We train deep learning models on images." },
    { title: "Beta", abstract: "Deep learning models fail on some images." },
  ];
  assert.equal(interestLabel(common, commonInMl), null, "'deep learning models' is common in the pool");
  const boilerplate = [
    { title: "Gamma", abstract: "In this paper we propose a method. Experimental results show gains." },
    { title: "Delta", abstract: "Experimental results show that our code is available." },
  ];
  assert.equal(
    interestLabel(boilerplate, () => false),
    null,
    "'experimental results show' names no subject",
  );
});

test("a sentence's end does not join two phrases", () => {
  const members = [
    { title: "One", abstract: "We use graph neural. Networks appear later." },
    { title: "Two", abstract: "A graph neural. Networks again." },
  ];
  assert.equal(
    interestLabel(members, () => false),
    "Graph Neural",
  );
});

test("one paper is not named from its abstract, and a long title is cut on a word", () => {
  assert.equal(
    interestLabel([{ title: "Solo", abstract: "Glaucoma screening at scale." }], () => false),
    null,
  );
  assert.equal(
    shortTitle("JoyAI-Video-Edit: Real-Time Open-Ended Video Editing with Diffusion Transformers"),
    "JoyAI-Video-Edit: Real-Time Open-Ended Video…",
  );
  assert.equal(shortTitle("Short Title"), "Short Title");
});

test("TeX math and lone symbols name nothing: the subject the abstracts share does", () => {
  const members = [
    {
      title: "Bounds in Every Dimension",
      abstract:
        "For each positive integer $d \\ge 1$ and $I_1 2$ we bound the lattice packing density in $\\mathbb{R}^d$.",
    },
    {
      title: "A Note on Sphere Arrangements",
      abstract:
        "Let d be a positive integer, I 1 2 a chain. We improve the lattice packing density by \\emph{a factor} d.",
    },
  ];
  const label = interestLabel(members, () => false);
  assert.ok(label, "named");
  assert.match(label, /Lattice Packing Density/);
  assert.doesNotMatch(label, /(^|[\s·])[\p{L}\p{N}]([\s·]|$)|\$|\\/u, label);
});

test("prose's function words name nothing: three abstracts that each say “rather than” share no subject", () => {
  const never = () => false;
  assert.equal(
    interestLabel(
      [
        {
          title: "DreamTraj: Generating 6-DoF Object Trajectories by Reading Unrendered Video Latents",
          abstract: "We read trajectories from the latents rather than from rendered frames.",
        },
        {
          title: "Ego2Robot: Scalable Robot Data Synthesis from Egocentric Human Data",
          abstract: "Robots learn from human video rather than teleoperation.",
        },
        {
          title: "WCM: A World Critic Model for Vision-Language-Action Agents",
          abstract: "The critic scores imagined futures rather than real rollouts.",
        },
      ],
      never,
    ),
    null,
  );
  // A subject they do share still names them, function words inside it and all.
  assert.equal(
    interestLabel(
      [
        { title: "Teaching Arms", abstract: "We study the imitation of humans from video." },
        { title: "Hands at Work", abstract: "Scaling the imitation of humans with cheap cameras." },
      ],
      never,
    ),
    "Imitation of Humans",
  );
});

test("an abbreviation in brackets is not part of the phrase it abbreviates", () => {
  assert.equal(
    interestLabel(
      [
        { title: "WCM: A World Critic", abstract: "Deep reinforcement learning (RL) of critics for robots." },
        {
          title: "EXIMO: Guided Exploration",
          abstract: "Exploration in reinforcement learning (RL) with priors.",
        },
      ],
      () => false,
    ),
    "Reinforcement Learning",
  );
});
