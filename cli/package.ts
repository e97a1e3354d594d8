// Two folders matter to the command line: the meshgraph package (its TypeScript sources, the
// telecom sample, host.json, local.settings.json) and the current folder, where the user works
// (dist/, .data/, their own settings and data product). In a checkout they are one folder;
// installed from the tarball, the package is node_modules/meshgraph and is not written to.
import fs from 'node:fs';
import path from 'node:path';

function packageRootFrom(dir: string): string {
  for (let at = dir; ; at = path.dirname(at)) {
    const file = path.join(at, 'package.json');
    if (fs.existsSync(file) && (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name === 'meshgraph') return at;
    if (path.dirname(at) === at) throw new Error(`the meshgraph package's package.json is not above ${dir}`);
  }
}

/** From source (cli/) or from the bundle (dist/cli/), the package's folder. */
export const PACKAGE_ROOT = packageRootFrom(__dirname);
