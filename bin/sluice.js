#!/usr/bin/env node
// The `sluice` command. Sources are TypeScript, run natively by Node (22.18 or newer).
await import('./require-node.js');
await import('../src/cli/main.ts');
