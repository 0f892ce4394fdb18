#!/usr/bin/env node
// The `sluice` command: this repository runs its TypeScript sources, the installed package its built JavaScript.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch } from './supported-node.js';

await launch(fileURLToPath(import.meta.url));
const sources = new URL('../src/cli/main.ts', import.meta.url);
await import(fs.existsSync(fileURLToPath(sources)) ? sources.href : new URL('../dist/cli/main.js', import.meta.url).href);
