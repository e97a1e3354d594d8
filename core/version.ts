// Set by the bundler from package.json; falls back for source runs (tests, tsx).
declare const __MESH_VERSION__: string | undefined;
export const APP_VERSION: string = typeof __MESH_VERSION__ === 'string' ? __MESH_VERSION__ : 'dev';
