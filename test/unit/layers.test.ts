// The layer rules of the architecture, kept by a test: which folder may import which, which
// packages the pure layers may use, and no import cycles between folders or between files.
// Imports are read from the source text (static, dynamic and require), type-only ones included:
// a cycle of types is still a cycle a reader has to untangle.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '../..');
const SOURCE_DIRS = ['contracts', 'core', 'actors', 'adapters', 'functions', 'connectors', 'host', 'cli', 'bench', 'test'];

/** Top folder → the top folders it may import (itself always). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  contracts: ['core/contracts'],
  core: [],
  actors: ['core'],
  adapters: ['core'],
  functions: ['core', 'adapters', 'actors'],
  connectors: ['core', 'adapters'],
  host: ['core', 'adapters', 'actors', 'functions', 'connectors', 'contracts'],
  cli: ['core', 'adapters', 'actors', 'functions', 'connectors', 'contracts', 'host'],
  bench: ['core', 'adapters', 'actors', 'functions', 'connectors', 'contracts', 'host', 'cli'],
  test: SOURCE_DIRS,
};

/** Packages the pure layers may use (a name, or its prefix before `/`); everything else is I/O. */
const PURE_PACKAGES: Record<string, readonly string[]> = {
  contracts: [],
  core: ['graphql', 'graphql-jit', 'dataloader', 'ajv', 'node:crypto'],
};

/** In actors/, only the durable-functions adapters touch the programming model. */
const PROGRAMMING_MODEL = /^(durable-functions|@azure\/functions)(\/|$)/;
const isEntityAdapter = (rel: string) => /^actors\/([^/]+\/entity\.ts|[^/]+\.ts|wait\/pass-on\.ts)$/.test(rel);

interface SourceFile {
  rel: string;
  locals: string[];
  packages: string[];
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'dist', '.data'].includes(entry.name)) listFiles(full, out);
    } else if (/\.(ts|cjs|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function resolveLocal(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.cjs`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s+['"]([^'"]+)['"]|(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

function readSource(full: string): SourceFile {
  const text = fs.readFileSync(full, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
  const locals: string[] = [];
  const packages: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (spec.startsWith('.')) {
      const target = resolveLocal(full, spec);
      if (target?.startsWith(ROOT + path.sep)) locals.push(path.relative(ROOT, target));
    } else packages.push(spec);
  }
  return { rel: path.relative(ROOT, full), locals, packages };
}

const FILES = SOURCE_DIRS.flatMap((d) => listFiles(path.join(ROOT, d))).map(readSource);
const top = (rel: string) => rel.split('/')[0]!;
/** The folder a file belongs to for cycles: two levels down (core/graph), or its top folder. */
const area = (rel: string) => {
  const parts = rel.split('/');
  return parts.length > 2 && top(rel) !== 'test' ? `${parts[0]}/${parts[1]}` : parts[0]!;
};
const allowed = (from: string, to: string) => {
  if (top(from) === top(to)) return true;
  return (MAY_IMPORT[top(from)] ?? []).some((layer) => to === layer || to.startsWith(`${layer}/`));
};

/** Strongly connected components of more than one node (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!order.has(v)) visit(v);
  return found;
}

describe('layers', () => {
  it('reads the source tree (the test sees what it checks)', () => {
    assert.ok(FILES.length > 200, `only ${FILES.length} files found`);
    const logic = FILES.find((f) => f.rel === 'actors/node/logic.ts');
    assert.ok(logic?.locals.includes('core/graph/merge.ts'), 'actors/node/logic.ts imports core/graph/merge.ts');
  });

  it('every folder imports only the layers the architecture allows', () => {
    const broken = FILES.flatMap((f) => f.locals.filter((to) => !allowed(f.rel, to)).map((to) => `${f.rel} -> ${to}`));
    assert.deepEqual(broken, []);
  });

  it('contracts/ and core/ use no I/O packages and no SDK', () => {
    const broken = FILES.flatMap((f) => {
      const pure = PURE_PACKAGES[top(f.rel)];
      if (!pure) return [];
      return f.packages.filter((p) => !pure.some((ok) => p === ok || p.startsWith(`${ok}/`))).map((p) => `${f.rel} uses ${p}`);
    });
    assert.deepEqual(broken, []);
  });

  it('actor logic and messages are pure: only the entity adapters touch the programming model', () => {
    const broken = FILES.filter((f) => top(f.rel) === 'actors' && !isEntityAdapter(f.rel)).flatMap((f) =>
      f.packages.filter((p) => PROGRAMMING_MODEL.test(p) || p.startsWith('node:')).map((p) => `${f.rel} uses ${p}`),
    );
    assert.deepEqual(broken, []);
  });

  it('no import cycle between folders', () => {
    const graph = new Map<string, Set<string>>();
    for (const f of FILES)
      for (const to of f.locals) if (area(f.rel) !== area(to)) (graph.get(area(f.rel)) ?? graph.set(area(f.rel), new Set()).get(area(f.rel))!).add(area(to));
    assert.deepEqual(cycles(graph), []);
  });

  it('no import cycle between files', () => {
    const graph = new Map<string, Set<string>>();
    for (const f of FILES) graph.set(f.rel, new Set(f.locals));
    assert.deepEqual(cycles(graph), []);
  });

  it('finds a cycle and a broken rule when there is one (the checks can fail)', () => {
    assert.deepEqual(
      cycles(
        new Map([
          ['a', new Set(['b'])],
          ['b', new Set(['c'])],
          ['c', new Set(['a'])],
          ['d', new Set(['a'])],
        ]),
      ),
      [['a', 'b', 'c']],
    );
    assert.equal(allowed('core/graph/merge.ts', 'adapters/tables/chunks.ts'), false);
    assert.equal(allowed('contracts/telecom/demo.ts', 'core/demo/random.ts'), false);
    assert.equal(allowed('contracts/telecom/demo.ts', 'core/contracts/index.ts'), true);
    assert.equal(allowed('functions/health.ts', 'host/main.ts'), false);
  });
});
