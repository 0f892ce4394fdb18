/** The names of the secrets a project uses: every `secret('NAME')` with a literal name in its pipelines and config. */
import fs from 'node:fs';
import path from 'node:path';

const CALL = /\bsecret\(\s*(['"`])([A-Za-z_][A-Za-z0-9_]*)\1\s*\)/g;
const MODULE = /\.(ts|mts|js|mjs)$/;

/**
 * Names found in `pipelines/*` and `sluice.config.*`, sorted. A provider that must fetch ahead (Secrets Manager)
 * and the deploy's IAM grants both use this list, so a name built at run time is not found: write it literally.
 */
export function findSecretNames(projectDir: string): string[] {
  const dir = path.join(projectDir, 'pipelines');
  const files = [
    ...(fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => MODULE.test(f) && !/\.(test|d)\.[mc]?[tj]s$/.test(f)).map((f) => path.join(dir, f)) : []),
    ...['sluice.config.ts', 'sluice.config.js'].map((f) => path.join(projectDir, f)).filter((f) => fs.existsSync(f)),
  ];
  const names = new Set<string>();
  for (const file of files) for (const m of fs.readFileSync(file, 'utf8').matchAll(CALL)) names.add(m[2]!);
  return [...names].sort();
}
