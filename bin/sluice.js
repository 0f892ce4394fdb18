#!/usr/bin/env node
// The `sluice` command. Sources are TypeScript run natively by Node (22.18 or newer).
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`sluice needs Node 22.18 or newer (this is ${process.version}).`);
  process.exit(2);
}
await import('../src/cli/main.ts');
