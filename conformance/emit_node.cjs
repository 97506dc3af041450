#!/usr/bin/env node
// npm-package emitter: one canonical JSON report per case, one per line.
//
//   NODE_PATH=<project>/node_modules node emit_node.cjs CASES.jsonl > reports.txt
//
// `require("ocmf")` must resolve to the package installed from the packed
// tarball; the report is `verifyJson(ocmf, { key, profile, lang })`.
"use strict";
const fs = require("fs");
const readline = require("readline");
const ocmf = require("ocmf");

if (!require.resolve("ocmf").includes("node_modules")) {
  console.error(`ocmf is not an installed package: ${require.resolve("ocmf")}`);
  process.exit(2);
}

async function main() {
  const rl = readline.createInterface({ input: fs.createReadStream(process.argv[2], "utf8"), crlfDelay: Infinity });
  const chunks = [];
  for await (const line of rl) {
    if (line === "") continue;
    const c = JSON.parse(line);
    chunks.push(ocmf.verifyJson(c.ocmf, { key: c.key, profile: c.profile, lang: c.lang }));
    if (chunks.length >= 1024) {
      process.stdout.write(chunks.join("\n") + "\n");
      chunks.length = 0;
    }
  }
  if (chunks.length) process.stdout.write(chunks.join("\n") + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
