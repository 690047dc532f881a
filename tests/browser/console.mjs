// The web console as a user sees it, in headless Chromium: the Rust test
// (asl-cli/tests/console_browser.rs) starts `asl serve`, registers the approval example, starts
// an execution, and runs
//
//   node console.mjs CONSOLE_URL MACHINE EXECUTION LIVE_EXECUTION BULK_MACHINE SCREENSHOT_DIR
//
// This script opens the console, goes to MACHINE's page, finds EXECUTION there, opens it,
// sees its approval state waiting on a task token, clicks "Send task success", and sees the
// execution SUCCEEDED. Then it opens LIVE_EXECUTION, also waiting, answers its token through
// the API (SendTaskSuccess, as another program would), and sees the open page show it
// SUCCEEDED without a reload. Then it times the page of BULK_MACHINE (10,000 executions): load
// event after navigation.
// Screenshots go to SCREENSHOT_DIR. Prints one JSON line of measurements; exits 1 on a
// failed check (with the reason), 2 when the browser cannot start.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launch } from './lib.mjs';

const [url, machine, execution, liveExecution, bulk, shots] = process.argv.slice(2);
if (!shots) {
  console.error('usage: node console.mjs CONSOLE_URL MACHINE EXECUTION LIVE_EXECUTION BULK_MACHINE SCREENSHOT_DIR');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });

let browser;
try {
  browser = await launch();
} catch (e) {
  console.error(`console: the browser did not start: ${e.message}`);
  process.exit(2);
}

const measured = {};
const step = async (what, action) => {
  try {
    return await action();
  } catch (e) {
    console.error(`console: ${what}: ${e.message.split('\n')[0]}`);
    throw e;
  }
};

try {
  const page = await browser.newPage();
  page.setDefaultTimeout(120000);
  await page.setViewportSize({ width: 1280, height: 900 });

  await step('the state machines page', async () => {
    await page.goto(url);
    await page.locator('#machines a', { hasText: machine }).first().click();
  });

  await step(`the page of ${machine}`, async () => {
    await page.waitForSelector('#executions');
    await page.screenshot({ path: join(shots, 'machine.png'), fullPage: true });
    await page.locator('#executions a', { hasText: execution }).first().click();
  });

  await step('the execution waiting on its token', async () => {
    await page.waitForSelector('.asl-graph [data-outcome="waiting"]');
    await page.waitForSelector('button.send-success');
    await page.locator('.asl-graph [data-outcome="waiting"]').first().click();
    await page.screenshot({ path: join(shots, 'waiting.png'), fullPage: true });
  });

  await step('approving', async () => {
    await page.locator('textarea[name="output"]').first().fill('{"approver": "ann"}');
    await page.locator('button.send-success').first().click();
    await page.waitForFunction(() => document.getElementById('execution-status')?.textContent === 'SUCCEEDED');
    const shipped = await page.locator('.asl-graph [data-state="ShipOrder"]').getAttribute('data-outcome');
    if (shipped !== 'succeeded') throw new Error(`ShipOrder shows ${shipped}, not succeeded`);
    await page.locator('.asl-graph [data-state="ShipOrder"]').click();
    await page.screenshot({ path: join(shots, 'succeeded.png'), fullPage: true });
  });

  // A reload would start a new document; the marker set here survives only if none happens.
  await step(`${liveExecution}, answered elsewhere while its page is open`, async () => {
    await page.goto(`${url}/machines/${encodeURIComponent(machine)}`);
    await page.locator('#executions a', { hasText: liveExecution }).first().click();
    await page.waitForSelector('.asl-graph [data-outcome="waiting"]');
    const token = await page.locator('.token-text').first().getAttribute('title');
    await page.evaluate(() => { window.__noReload = true; });
    const api = new URL(url).origin + '/';
    const answer = await fetch(api, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.SendTaskSuccess' },
      body: JSON.stringify({ taskToken: token, output: '{"approver": "bob"}' }),
    });
    if (!answer.ok) throw new Error(`SendTaskSuccess answered ${answer.status}: ${await answer.text()}`);
    await page.waitForFunction(() => document.getElementById('execution-status')?.textContent === 'SUCCEEDED');
    if (!(await page.evaluate(() => window.__noReload === true))) throw new Error('the page reloaded to show the end');
  });

  await step(`the page of ${bulk}`, async () => {
    const times = [];
    // All of them, then filtered (the workers may not have run them all yet: either status
    // is a page to load, empty or not).
    for (const query of ['', '?status=SUCCEEDED', '?status=RUNNING']) {
      await page.goto(`${url}/machines/${encodeURIComponent(bulk)}${query}`, { waitUntil: 'load' });
      const rows = await page.locator('#executions tbody tr').count();
      if (query === '' && rows !== 100) throw new Error(`${rows} executions listed on the first page, not 100`);
      times.push(await page.evaluate(() => {
        const [nav] = performance.getEntriesByType('navigation');
        return nav.loadEventEnd - nav.startTime;
      }));
    }
    await page.screenshot({ path: join(shots, 'bulk.png') });
    measured.bulkPageMs = Math.max(...times);
  });

  console.log(JSON.stringify(measured));
  await browser.close();
} catch (e) {
  await browser.close().catch(() => {});
  process.exit(1);
}
