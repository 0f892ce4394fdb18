/** Makes `import ... from 'sluice'` in a project's files resolve to the sluice that is running them. */
import module from 'node:module';

// This repository runs src/index.ts; the installed package runs the dist/index.js built from it.
const SELF = new URL(import.meta.url.endsWith('.ts') ? '../index.ts' : '../index.js', import.meta.url).href;
const registered = { done: false };

/**
 * Registers the resolve hook once per process. A project then needs no local install of sluice, and its pipelines
 * share this process's sluice (one `col`, one `definePipeline`) rather than a second copy.
 */
export function resolveSluiceImports(): void {
  if (registered.done) return;
  registered.done = true;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      return specifier === 'sluice' ? { url: SELF, shortCircuit: true } : nextResolve(specifier, context);
    },
  });
}
