#!/usr/bin/env node
// Check that every *.mmd file in a directory is valid Mermaid, using
// mermaid's own parser (mermaid.parse) inside headless Chromium.
//
//   node mermaid-check.mjs [--render] DIR [DIR|FILE ...]
//
// --render: also lay each diagram out with mermaid.render (slower, about
// 3x), which catches the few texts that parse but cannot be drawn.
//
// Output: one line per invalid file, "invalid: NAME: MESSAGE" (mermaid's
// multi-line message joined with " | "), then the summary line
// "mermaid: N valid, M invalid".
// Exit: 0 all valid; 1 some invalid; 2 usage error, or the browser or
// mermaid could not be loaded, or timeout (message on stderr).
// Env: ASL_CHROMIUM (browser path), ASL_MERMAID_TIMEOUT_MS (overall limit).
//
// Why a browser: mermaid.parse works in plain Node only for texts that never
// reach DOMPurify; any flowchart node with a label fails there with
// "DOMPurify.addHook is not a function". The page loads the same
// dist/mermaid.min.js that a web page would.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { launch } from './lib.mjs';


function fail(msg) {
  process.stderr.write(`mermaid-check: ${msg}\n`);
  process.exit(2);
}

function collect(args) {
  const files = [];
  for (const arg of args) {
    let st;
    try {
      st = statSync(arg);
    } catch (e) {
      fail(`cannot read ${arg}: ${e.message}`);
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(arg).sort()) {
        if (name.endsWith('.mmd')) files.push(join(arg, name));
      }
    } else {
      files.push(arg);
    }
  }
  return files;
}

function mermaidScriptPath() {
  try {
    const require = createRequire(import.meta.url);
    return require.resolve('mermaid/dist/mermaid.min.js');
  } catch (e) {
    fail(`cannot find mermaid/dist/mermaid.min.js (${e.message}); run 'npm ci --prefix tests/browser'`);
  }
}

// Runs inside the page: parse (and optionally render) every text in turn.
async function checkAll({ texts, render }) {
  const out = [];
  let n = 0;
  for (const text of texts) {
    try {
      const r = await globalThis.mermaid.parse(text);
      if (render) {
        const id = `mermaid_check_${n++}`;
        try {
          await globalThis.mermaid.render(id, text);
        } finally {
          document.getElementById(id)?.remove();
          document.getElementById(`d${id}`)?.remove();
        }
      }
      out.push({ ok: true, type: r && r.diagramType });
    } catch (e) {
      out.push({ ok: false, error: String((e && e.message) || e) });
    }
  }
  return out;
}

async function main() {
  const argv = process.argv.slice(2);
  const render = argv.includes('--render');
  const args = argv.filter((a) => a !== '--render');
  if (args.length === 0 || args.some((a) => a.startsWith('-'))) {
    process.stderr.write('usage: node mermaid-check.mjs [--render] DIR [DIR|FILE ...]\n');
    process.exit(2);
  }
  const files = collect(args);
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const script = mermaidScriptPath();

  // A stuck browser must not hang the Rust test: 60 s plus a generous
  // allowance per file (parse takes ~5-25 ms a diagram, render ~400 ms).
  const timeoutMs =
    Number(process.env.ASL_MERMAID_TIMEOUT_MS) || 60000 + files.length * (render ? 2000 : 200);
  const watchdog = setTimeout(() => fail(`timed out after ${timeoutMs} ms`), timeoutMs);
  watchdog.unref();

  let browser;
  try {
    browser = await launch();
  } catch (e) {
    fail(e.message);
  }
  let results;
  let loadError;
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    try {
      await page.goto('about:blank');
      await page.addScriptTag({ path: script });
      const ok = await page.evaluate(() => {
        if (typeof globalThis.mermaid?.parse !== 'function') return false;
        globalThis.mermaid.initialize({ startOnLoad: false, logLevel: 'fatal' });
        return true;
      });
      if (!ok) throw new Error('mermaid.min.js loaded but no global mermaid.parse');
    } catch (e) {
      loadError = `cannot load mermaid into Chromium: ${e.message}`;
    }
    if (!loadError) results = await page.evaluate(checkAll, { texts, render });
  } finally {
    await browser.close().catch(() => {});
  }
  if (loadError) fail(loadError);

  let valid = 0;
  let invalid = 0;
  results.forEach((r, i) => {
    if (r.ok) {
      valid++;
    } else {
      invalid++;
      const msg = r.error.split(/\r?\n/).map((l) => l.trimEnd()).filter(Boolean).join(' | ');
      process.stdout.write(`invalid: ${basename(files[i])}: ${msg}\n`);
    }
  });
  if (files.length === 0) process.stderr.write('mermaid-check: warning: no .mmd files found\n');
  process.stdout.write(`mermaid: ${valid} valid, ${invalid} invalid\n`);
  process.exit(invalid === 0 ? 0 : 1);
}

main().catch((e) => fail(e.stack || String(e)));
