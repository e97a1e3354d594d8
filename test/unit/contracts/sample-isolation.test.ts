// "Nothing outside contracts/ may hard-code a type or field name of the sample": the generic code
// of this issue must work for any data product that MESH_CONTRACTS names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { TELECOM_TYPES } from '../../../contracts/telecom/types';

const GENERIC_CODE = ['core/contracts', 'core/demo', 'cli/contracts.ts', 'cli/demo.ts', 'bench/demo-generate.ts'];

function files(p: string): string[] {
  if (!existsSync(p)) return [];
  if (p.endsWith('.ts')) return [p];
  return readdirSync(p, { withFileTypes: true }).flatMap((e) => files(path.join(p, e.name)));
}

describe('sample isolation', () => {
  it('no generic file quotes a type name of the telecom sample', () => {
    const names = TELECOM_TYPES.map((t) => t.name);
    const quoted = new RegExp(`['"\`](${names.join('|')})(/|:|['"\`])`);
    // Comments may use the sample as an example; code may not.
    const code = (f: string) => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    const offenders = GENERIC_CODE.flatMap(files).filter((f) => quoted.test(code(f)));
    assert.deepEqual(offenders, []);
  });
});
