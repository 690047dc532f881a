// Shared helpers for the browser checks: start Debian's Chromium headless
// through playwright-core (no browser download of its own).
//
//   import { launch } from './lib.mjs';
//   const browser = await launch();
//   const page = await browser.newPage();
//   ...
//   await browser.close();   // also removes the temporary profile
//
// Env ASL_CHROMIUM overrides the browser path (default /usr/bin/chromium).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

// Without the background-networking flags Chromium hangs on refused
// connections in a machine with no network.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Path of the Chromium binary to use (env ASL_CHROMIUM, else /usr/bin/chromium). */
export function chromiumPath() {
  return process.env.ASL_CHROMIUM || DEFAULT_CHROMIUM;
}

/**
 * Launch headless Chromium with a fresh profile under os.tmpdir().
 * Returns a playwright BrowserContext-like object: it has newPage() and
 * close(); close() also deletes the profile directory.
 * Throws an Error with a readable message when the browser cannot start.
 */
export async function launch({ timeout = 30000 } = {}) {
  const executablePath = chromiumPath();
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath} (install it with 'apt-get install -y chromium' ` +
        `or set ASL_CHROMIUM to a Chromium binary)`,
    );
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Error(
      `cannot load playwright-core (${e.message}); run 'npm ci --prefix tests/browser'`,
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'asl-chromium-'));
  let context;
  try {
    // launchPersistentContext is playwright's way to pass --user-data-dir.
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout,
    });
  } catch (e) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`cannot launch Chromium at ${executablePath}: ${e.message}`);
  }
  // Also clean up when the process exits without close() (timeouts, exit()).
  const removeProfile = () => rmSync(userDataDir, { recursive: true, force: true });
  process.once('exit', removeProfile);
  const close = context.close.bind(context);
  context.close = async () => {
    try {
      await close();
    } finally {
      process.removeListener('exit', removeProfile);
      removeProfile();
    }
  };
  return context;
}
