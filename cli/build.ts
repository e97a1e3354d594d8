// Bundles the two function apps with esbuild: dist/hot (ingest, GraphQL, health, entities) and
// dist/cold (rarely used queries). Each folder deploys as its own function app: it has its own
// host.json and package.json. `@azure/functions-core` is provided by the Functions worker.
import { build, type Metafile, type Plugin } from 'esbuild';
import { contractsModuleSetting, loadDataProduct, resolveModuleFile } from '../adapters/contracts/load';
import { copyGraphiqlAssets } from '../functions/shared/graphiql-assets';
import { sourcesHash, writeBundleContracts, type BundleContracts } from '../host/bundle-contracts';
import fs from 'node:fs';
import path from 'node:path';

export interface BuiltApp {
  name: string;
  dir: string;
  main: string;
  bytes: number;
  /** What went into the bundle (esbuild's metafile): bytes per input file. */
  metafile: Metafile;
}

/** Worker-provided or native modules, and the identity library (big, loaded only in Azure): installed from the app's package.json. */
const EXTERNAL = ['@azure/functions-core', 'better-sqlite3', '@azure/identity', '@elastic/elasticsearch'];

export const APPS = [
  { name: 'hot', entry: 'functions/index.ts' },
  { name: 'cold', entry: 'functions/cold/index.ts' },
] as const;

function externalsUsed(meta: Metafile): string[] {
  const used = new Set<string>();
  for (const out of Object.values(meta.outputs))
    for (const imp of out.imports) if (imp.external && EXTERNAL.includes(imp.path) && imp.path !== '@azure/functions-core') used.add(imp.path);
  return [...used];
}

/**
 * Bundles the data product named by MESH_CONTRACTS at build time: the apps' run-time loader
 * (functions/shared/product-module.ts) becomes a static import of that module.
 */
function contractsPlugin(root: string): Plugin {
  const spec = contractsModuleSetting();
  return {
    name: 'meshgraph-contracts',
    setup(b) {
      // Apps that only read the model (the cold app) get it as JSON, compiled here.
      b.onLoad({ filter: /functions[\\/]shared[\\/]model-module\.ts$/ }, async () => {
        const { model } = await loadDataProduct(spec, root);
        return { loader: 'ts', contents: `export function contractModel() { return ${JSON.stringify(model)}; }\n` };
      });
      b.onLoad({ filter: /functions[\\/]shared[\\/]product-module\.ts$/ }, () => {
        const file = resolveModuleFile(spec, root);
        if (!file) throw new Error(`setting MESH_CONTRACTS: no module at ${spec} (relative to ${root})`);
        return {
          loader: 'ts',
          resolveDir: root,
          // Required on first use, not imported: loading the product loads the contract compiler
          // (ajv, the GraphQL SDL compiler), which a function that needs none should not pay for.
          contents: `export function productModule() { return { exports: require(${JSON.stringify(file)}) as Record<string, unknown>, spec: ${JSON.stringify(spec)} }; }\n`,
        };
      });
    },
  };
}

/**
 * What the build holds (written next to each bundle; the local host compares it with MESH_CONTRACTS
 * when it loads a built app): the product's name and model version, and the files it came from.
 */
async function bundledContracts(root: string): Promise<BundleContracts> {
  const spec = contractsModuleSetting();
  const file = resolveModuleFile(spec, root);
  if (!file) throw new Error(`setting MESH_CONTRACTS: no module at ${spec} (relative to ${root})`);
  const { model, version } = await loadDataProduct(spec, root);
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: [file],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    packages: 'external',
    logLevel: 'silent',
  });
  const inputs = Object.keys(metafile.inputs)
    .filter((f) => !f.includes(':'))
    .sort();
  return { name: model.name, version, module: spec, file: path.relative(root, file).split(path.sep).join('/'), inputs, sources: sourcesHash(root, inputs) };
}

export async function buildApps(root = process.cwd(), outRoot = path.join(root, 'dist')): Promise<BuiltApp[]> {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const contracts = await bundledContracts(root);
  const built: BuiltApp[] = [];
  for (const app of APPS) {
    const dir = path.join(outRoot, app.name);
    fs.rmSync(dir, { recursive: true, force: true });
    const result = await build({
      absWorkingDir: root,
      entryPoints: [app.entry],
      outfile: path.join(dir, 'main.js'),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      sourcemap: 'linked',
      legalComments: 'linked',
      external: EXTERNAL,
      define: { __MESH_VERSION__: JSON.stringify(pkg.version) },
      metafile: true,
      plugins: [contractsPlugin(root)],
      logLevel: 'warning',
    });
    const deps = Object.fromEntries(externalsUsed(result.metafile).map((d) => [d, pkg.dependencies[d]]));
    fs.copyFileSync(path.join(root, 'host.json'), path.join(dir, 'host.json'));
    if (app.name === 'hot') copyGraphiqlAssets(root, dir); // the GraphiQL page's scripts and styles, served by the app
    fs.writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify(
        { name: `meshgraph-${app.name}`, version: pkg.version, private: true, main: 'main.js', engines: pkg.engines, dependencies: deps },
        null,
        2,
      ) + '\n',
    );
    writeBundleContracts(dir, contracts);
    const main = path.join(dir, 'main.js');
    built.push({ name: app.name, dir, main, bytes: fs.statSync(main).size, metafile: result.metafile });
  }
  return built;
}

if (require.main === module) {
  buildApps()
    .then((apps) => {
      for (const a of apps) process.stdout.write(`dist/${a.name}/main.js  ${(a.bytes / 1024).toFixed(1)} KB\n`);
    })
    .catch((err) => {
      process.stderr.write(`build failed: ${err.message}\n`);
      process.exit(1);
    });
}
