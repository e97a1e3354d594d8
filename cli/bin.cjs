#!/usr/bin/env node
// `meshgraph` (`npx meshgraph ...`): runs the command line bundled as JavaScript, built first in a
// checkout when it is missing or older than its sources (cli/bundle.cjs).
'use strict';
let bundle;
try {
  bundle = require('./bundle.cjs').ensureBundle();
} catch (err) {
  process.stderr.write(`meshgraph: cannot build the command line (dist/cli/meshgraph.cjs): ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
require(bundle);
