// The reference JavaScript JSONata engine (npm package `jsonata`) on the jsonata-order workload,
// the numbers `cargo bench -p asl-bench --bench jsonata` prints for the Rust engines.
//
// Each expression is compiled once; each evaluation binds `states` to {"input": document}
// and awaits the result (jsonata 2.x evaluates asynchronously). Prints evaluations per second.
//
//   npm install --prefix /tmp/jsonata-js jsonata@2
//   NODE_PATH=/tmp/jsonata-js/node_modules node bench/jsonata-node.js
//
// The workload is read from bench/workflows/jsonata-order.json (build.rs's copy of
// shared/workloads/jsonata-order.json), or from the path given as the first argument.

'use strict';

const fs = require('fs');
const path = require('path');

let jsonata;
try {
  jsonata = require('jsonata');
} catch (e) {
  console.error('jsonata is not installed: npm install --prefix /tmp/jsonata-js jsonata@2, then NODE_PATH=/tmp/jsonata-js/node_modules');
  process.exit(2);
}

const file = process.argv[2] || path.join(__dirname, 'workflows', 'jsonata-order.json');
const workload = JSON.parse(fs.readFileSync(file, 'utf8'));
const document = workload.document;
const bindings = { states: { input: document } };

async function rate(expr, millis) {
  // Warm up (the JIT), then count whole evaluations within the time.
  const warmEnd = Date.now() + 500;
  while (Date.now() < warmEnd) await expr.evaluate(document, bindings);
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(millis) * 1000000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 100; i++) await expr.evaluate(document, bindings);
    n += 100;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

(async () => {
  console.log(`jsonata ${require('jsonata/package.json').version}, node ${process.version}`);
  for (const [name, text] of Object.entries(workload.expressions)) {
    const expr = jsonata(text);
    const result = await expr.evaluate(document, bindings);
    const perSecond = await rate(expr, 3000);
    console.log(`${name.padStart(7)}: ${(perSecond / 1000).toFixed(0).padStart(6)} k/s  ${JSON.stringify(result).slice(0, 80)}`);
  }
})();
