// The command line bundled as JavaScript (dist/cli/meshgraph.cjs), so `meshgraph` starts without a
// TypeScript loader. Only meshgraph's own sources go into it; its dependencies stay in
// node_modules, where they are installed anyway.
//
// When it is built:
// - `npm pack` (prepack) builds it, so the tarball ships it and an installed package (it lives in
//   a node_modules folder, maybe read-only) never builds;
// - in a checkout, cli/bin.cjs builds it on first use and again whenever a file it was built from
//   (listed next to it, with the time the build started) is newer or gone: a fresh clone needs no
//   build step after `npm ci`, and an edit is never run stale. The check is a stat per source
//   file (about a hundred); a build takes about 0.1 s.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');

/** The bundle and the list of the files it was built from, in a package folder. */
function paths(root = ROOT) {
  const dir = path.join(root, 'dist', 'cli');
  return { bundle: path.join(dir, 'meshgraph.cjs'), manifest: path.join(dir, 'meshgraph.inputs.json') };
}
/** What the build reads besides the sources esbuild reports. */
const CONFIG_FILES = ['package.json', 'tsconfig.json', 'cli/bundle.cjs'];

function installed(root = ROOT) {
  return path.resolve(root).split(path.sep).includes('node_modules');
}

/** Why the bundle must be (re)built, or undefined when it is up to date. */
function staleReason(root = ROOT) {
  const { bundle, manifest: list } = paths(root);
  if (!fs.existsSync(bundle)) return 'not built yet';
  if (installed(root)) return undefined; // shipped in the tarball: sources are not edited there
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(list, 'utf8'));
  } catch {
    return 'no list of its sources';
  }
  for (const file of manifest.files) {
    let stat;
    try {
      stat = fs.statSync(path.join(root, file));
    } catch {
      return `${file} is gone`;
    }
    if (stat.mtimeMs > manifest.startedMs) return `${file} changed`;
  }
  return undefined;
}

/** Builds the bundle; written under temporary names and renamed, so concurrent runs never read half a file. */
function buildBundle(root = ROOT) {
  const { buildSync } = require('esbuild');
  const { bundle: out, manifest } = paths(root);
  const startedMs = Date.now();
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const temporary = `${out}.${process.pid}.tmp`;
  const result = buildSync({
    absWorkingDir: root,
    entryPoints: ['cli/main.ts'],
    outfile: temporary,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    define: { __MESH_VERSION__: JSON.stringify(pkg.version) },
    metafile: true,
    logLevel: 'error',
  });
  const files = [...CONFIG_FILES, ...Object.keys(result.metafile.inputs)].filter((f) => !f.includes('node_modules'));
  fs.renameSync(temporary, out);
  fs.writeFileSync(`${manifest}.${process.pid}.tmp`, JSON.stringify({ startedMs, files }, null, 1) + '\n');
  fs.renameSync(`${manifest}.${process.pid}.tmp`, manifest);
  return out;
}

/** The bundle's path, built first if it is missing or older than its sources. */
function ensureBundle(root = ROOT) {
  return staleReason(root) === undefined ? paths(root).bundle : buildBundle(root);
}

module.exports = { paths, staleReason, buildBundle, ensureBundle };

if (require.main === module) {
  const t0 = Date.now();
  const out = buildBundle();
  process.stdout.write(`${path.relative(process.cwd(), out)}  ${(fs.statSync(out).size / 1024).toFixed(1)} KB in ${Date.now() - t0} ms\n`);
}
