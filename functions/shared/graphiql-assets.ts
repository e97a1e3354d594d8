// The GraphiQL page's scripts and styles: prebuilt browser bundles from npm packages, served by
// the app itself (no CDN: the page works offline and behind a proxy). The build copies them next
// to the bundle (dist/hot/assets); run from source, they are read from node_modules.
import type { HttpResponseInit } from '@azure/functions';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { UserError } from '../../core/errors';

/** Served name → package and file in it. Only these names are served. */
export const GRAPHIQL_ASSETS = {
  'react.production.min.js': ['react', 'umd/react.production.min.js'],
  'react-dom.production.min.js': ['react-dom', 'umd/react-dom.production.min.js'],
  'graphiql.min.js': ['graphiql', 'graphiql.min.js'],
  'graphiql.min.css': ['graphiql', 'graphiql.min.css'],
} as const;
export type GraphiqlAssetName = keyof typeof GRAPHIQL_ASSETS;

/** The folder next to the bundle the build copies them to, and the URL segment they are served under. */
export const GRAPHIQL_ASSET_DIR = 'assets';

const isAssetName = (name: string): name is GraphiqlAssetName => Object.hasOwn(GRAPHIQL_ASSETS, name);

/** A package's folder in node_modules (found by its package.json: react's exports do not list its UMD files). */
const packageDir = (pkg: string, root?: string): string => path.dirname(require.resolve(`${pkg}/package.json`, root ? { paths: [root] } : undefined));

function packageFile(name: GraphiqlAssetName, root?: string): string {
  const [pkg, file] = GRAPHIQL_ASSETS[name];
  return path.join(packageDir(pkg, root), file);
}

/** Copies the assets into a built app's folder (cli/build.ts); `root` is where node_modules is. */
export function copyGraphiqlAssets(root: string, appDir: string): void {
  const dir = path.join(appDir, GRAPHIQL_ASSET_DIR);
  fs.mkdirSync(dir, { recursive: true });
  for (const name of Object.keys(GRAPHIQL_ASSETS) as GraphiqlAssetName[]) {
    fs.copyFileSync(packageFile(name, root), path.join(dir, name));
    // The minified files do not all carry their licence; it goes along (not served).
    const [pkg] = GRAPHIQL_ASSETS[name];
    fs.copyFileSync(path.join(packageDir(pkg, root), 'LICENSE'), path.join(dir, `${pkg}.LICENSE.txt`));
  }
}

/** The asset's file: next to the bundle when built, else in node_modules (running from source). */
function assetFile(name: GraphiqlAssetName): string {
  const built = path.join(__dirname, GRAPHIQL_ASSET_DIR, name);
  if (fs.existsSync(built)) return built;
  try {
    return packageFile(name);
  } catch {
    throw new Error(
      `GraphiQL asset ${name} is neither in ${path.dirname(built)} (npm run build copies it there) nor in node_modules (${GRAPHIQL_ASSETS[name].join('/')})`,
    );
  }
}

interface Asset {
  body: Buffer;
  /** Hash of the content: the asset URLs' version and the ETag. */
  version: string;
  gzipped?: Buffer;
}

const loaded = new Map<GraphiqlAssetName, Asset>();

function asset(name: GraphiqlAssetName): Asset {
  let a = loaded.get(name);
  if (!a) {
    const body = fs.readFileSync(assetFile(name));
    a = { body, version: createHash('sha256').update(body).digest('base64url').slice(0, 16) };
    loaded.set(name, a);
  }
  return a;
}

/** The asset's URL relative to the endpoint, versioned by content so browsers may keep it for good. */
export const graphiqlAssetHref = (endpoint: string, name: GraphiqlAssetName): string => `${endpoint}/${GRAPHIQL_ASSET_DIR}/${name}?v=${asset(name).version}`;

const IMMUTABLE = 'public, max-age=31536000, immutable';

/** One asset: a listed name only; gzip when the browser takes it; 304 on a matching ETag. */
export function graphiqlAsset(file: string, header: (name: string) => string | null, version: string | null): HttpResponseInit {
  if (!isAssetName(file)) throw new UserError(404, 'not-found', `no GraphiQL asset ${file}; there are ${Object.keys(GRAPHIQL_ASSETS).join(', ')}`);
  const a = asset(file);
  const etag = `"${a.version}"`;
  const headers: Record<string, string> = {
    'content-type': file.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
    // An unversioned or stale URL is revalidated (the ETag makes that cheap).
    'cache-control': version === a.version ? IMMUTABLE : 'no-cache',
    etag,
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
  };
  if ((header('if-none-match') ?? '').split(',').some((t) => t.trim().replace(/^W\//, '') === etag)) return { status: 304, headers };
  if (/\bgzip\b/i.test(header('accept-encoding') ?? '')) {
    a.gzipped ??= gzipSync(a.body);
    return { status: 200, headers: { ...headers, 'content-encoding': 'gzip' }, body: a.gzipped };
  }
  return { status: 200, headers, body: a.body };
}
