/**
 * The layers of Daily Papers (ARCHITECTURE.md), enforced by `npm run lint`:
 * capability folders under src/ know nothing of the web app or the CLI on top of them, the web
 * app and the CLI know nothing of each other, and nothing imports in a cycle.
 */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "A cycle makes load order matter and hides which module owns what.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "capabilities-below-web-and-cli",
      comment: "A capability (papers, search, email, ...) is used by web/ and cli/, never the reverse.",
      severity: "error",
      from: { path: "^src/[^/]+/", pathNot: "^src/(web|cli)/" },
      to: { path: "^src/(web|cli)/" },
    },
    {
      name: "capabilities-below-the-composition-root",
      comment: "Only web/, cli/ and the top-level entry points (server.ts, services.ts) assemble the services.",
      severity: "error",
      from: { path: "^src/[^/]+/", pathNot: "^src/(web|cli|scheduler)/" },
      to: { path: "^src/(server|services)\\.ts$" },
    },
    {
      name: "web-and-cli-apart",
      comment: "The web app and the CLI are two front ends over the same services.",
      severity: "error",
      from: { path: "^src/web/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "cli-not-into-web-internals",
      comment: "The CLI starts the server through server.ts, not by reaching into web/.",
      severity: "error",
      from: { path: "^src/cli/" },
      to: { path: "^src/web/" },
    },
    {
      name: "src-not-into-tests-or-benches",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(test|bench)/" },
    },
    {
      name: "no-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.test\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".js", ".json"] },
    skipAnalysisNotInRules: true,
  },
};
