/** A real headless Chromium for browser tests: Debian's /usr/bin/chromium when installed, else the one shipped in @sparticuz/chromium. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches headless Chromium (close it with `browser.close()`); needs no apt step: the npm package's binary is unpacked once into node_modules/.cache. */
export async function launchChromium(): Promise<Browser> {
  if (fs.existsSync(SYSTEM_CHROMIUM)) return chromium.launch({ executablePath: SYSTEM_CHROMIUM, args: ARGS });
  const dir = unpackedChromium();
  // This build turns LANG=C.UTF-8 into the locale "en-US@posix", which Intl rejects (uPlot then fails to load).
  return chromium.launch({ executablePath: path.join(dir, 'chromium'), args: ARGS, env: { ...process.env, FONTCONFIG_FILE: path.join(dir, 'fonts.conf'), LANG: 'en_US.UTF-8' } });
}

/**
 * The folder holding @sparticuz/chromium's unpacked binary, fonts and SwiftShader libraries.
 * The package unpacks into os.tmpdir(), so a child process does it into a staging folder that is then renamed
 * into place: test files running in parallel never see a half-written binary.
 */
function unpackedChromium(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@sparticuz/chromium');
  const packageDir = path.dirname(path.dirname(entry));
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const cache = path.join(packageDir, '..', '..', '.cache', 'sluice-chromium');
  const dir = path.join(cache, version);
  if (fs.existsSync(path.join(dir, 'fonts.conf'))) return dir;
  fs.mkdirSync(cache, { recursive: true });
  const staging = fs.mkdtempSync(path.join(cache, `${version}-staging-`));
  try {
    execFileSync(process.execPath, ['--input-type=module', '-e', `const { default: c } = await import(${JSON.stringify(pathToFileURL(entry).href)}); await c.executablePath();`], {
      env: { ...process.env, TMPDIR: staging }, stdio: ['ignore', 'ignore', 'inherit'], timeout: 120_000,
    });
    // The package's own fonts.conf names /tmp/fonts: point fontconfig at the fonts unpacked here instead.
    fs.writeFileSync(path.join(staging, 'fonts.conf'),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(dir, 'fonts')}</dir>\n  <cachedir>${path.join(dir, 'fonts-cache')}</cachedir>\n</fontconfig>\n`);
    fs.renameSync(staging, dir);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, 'fonts.conf'))) throw error; // else another test process unpacked it first
  }
  return dir;
}
