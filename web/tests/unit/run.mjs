#!/usr/bin/env node
// Bundles each *.test.ts with esbuild (shipped with Vite) and runs its cases in Node.
// Prints "N passed, M failed"; exit status 1 on failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stio-unit-'));
let passed = 0, failed = 0;
// Every *.test.ts beside this file (logic.test.ts first), each exporting its `cases`.
const files = fs.readdirSync(here).filter((f) => f.endsWith('.test.ts')).sort((a, b) => (a === 'logic.test.ts' ? -1 : b === 'logic.test.ts' ? 1 : a.localeCompare(b)));
for (const file of files) {
  const out = path.join(dir, file.replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [path.join(here, file)], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'error' });
  const { cases } = await import(pathToFileURL(out).href);
  for (const [name, fn] of cases) {
    try { fn(); passed++; console.log(`ok   ${name}`); } catch (e) { failed++; console.log(`FAIL ${name}: ${e.message}`); }
  }
}
fs.rmSync(dir, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
