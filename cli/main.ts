// The `meshgraph` command line's entry. cli/bin.cjs runs it bundled as JavaScript
// (dist/cli/meshgraph.cjs); `npx tsx cli/main.ts` runs it from source.
import { runCli } from './cli';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`meshgraph: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
