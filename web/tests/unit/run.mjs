#!/usr/bin/env node
// Bundles logic.test.ts with esbuild (shipped with Vite) and runs its cases in Node.
// Prints "N passed, M failed"; exit status 1 on failure.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stio-unit-')), 'logic.test.mjs');
await build({ entryPoints: [path.join(here, 'logic.test.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'error' });
const { cases } = await import(pathToFileURL(out).href);
let passed = 0, failed = 0;
for (const [name, fn] of cases) {
  try { fn(); passed++; console.log(`ok   ${name}`); } catch (e) { failed++; console.log(`FAIL ${name}: ${e.message}`); }
}
fs.rmSync(path.dirname(out), { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
