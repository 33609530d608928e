#!/usr/bin/env node
// Builds a Troupe actor written in AssemblyScript:
//
//   node <sdk>/assemblyscript/build.mjs assembly/index.ts -o hello.wasm [more asc options]
//
// Run it from the project's directory. It links node_modules/troupe-sdk to this SDK (asc resolves
// `import … from "troupe-sdk"` there) unless the project has one already, then runs asc with
//   --transform <sdk>/transform/export-as.mjs -Oz --noAssert --runtime minimal
//   --use abort=~lib/troupe-sdk/assembly/abi/troupeAbort
// and prints the module's size. Exit status: 0 built, 1 compile error, 2 setup problem.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const sdk = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

function usage(message) {
  if (message) process.stderr.write(`build.mjs: ${message}\n`);
  process.stderr.write("usage: node build.mjs ENTRY.ts -o OUT.wasm [asc options...]\n");
  process.exit(2);
}

if (args.length === 0 || args.includes("-h") || args.includes("--help")) usage();
const oi = args.findIndex(a => a === "-o" || a === "--outFile");
if (oi < 0 || oi + 1 >= args.length) usage("name the output with -o OUT.wasm");
const out = args[oi + 1];
const entry = args.find((a, i) => !a.startsWith("-") && i !== oi + 1);
if (!entry || !fs.existsSync(entry)) usage(`entry file ${entry ?? "(none)"} not found`);

// the compiler, from this SDK's node_modules (installed from package-lock.json with `npm ci`)
const ascPath = path.join(sdk, "node_modules", "assemblyscript", "dist", "asc.js");
if (!fs.existsSync(ascPath)) {
  process.stderr.write(`build.mjs: the compiler is not installed: run npm ci in ${sdk}\n`);
  process.exit(2);
}

// node_modules/troupe-sdk -> this SDK, unless the project has its own
const link = path.resolve("node_modules", "troupe-sdk");
let linkStat = null;
try { linkStat = fs.lstatSync(link); } catch { /* absent */ }
if (linkStat === null) {
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(sdk, link, "dir");
} else if (!fs.existsSync(path.join(link, "index.ts"))) {
  process.stderr.write(`build.mjs: ${link} is not the Troupe SDK (no index.ts): remove it\n`);
  process.exit(2);
}

const asc = await import(pathToFileURL(ascPath).href);
const options = [
  ...args,
  "--transform", path.join(sdk, "transform", "export-as.mjs"),
  "-Oz", "--noAssert", "--runtime", "minimal",
  "--use", "abort=~lib/troupe-sdk/assembly/abi/troupeAbort",
];
const { error } = await asc.main(options, { stdout: process.stdout, stderr: process.stderr });
if (error) {
  process.stderr.write(`build.mjs: ${entry} did not compile\n`);
  process.exit(1);
}
console.log(`built ${out} (${fs.statSync(out).size} bytes)`);
