// Every command declared in cli/commands.ts has code behind it, and that code loads.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, isGroup } from '../../../cli/commands';
import { implementationOf } from '../../../cli/cli';

const specs = Object.values(COMMANDS).flatMap((c) =>
  isGroup(c) ? [...(c.fallback ? [c.fallback] : []), ...Object.values(c.subcommands), ...Object.values(c.aliases ?? {})] : [c],
);

describe('meshgraph commands', () => {
  it('each declared command has an implementation that loads', async () => {
    assert.ok(specs.length >= 12);
    for (const spec of specs) {
      const implementation = implementationOf(spec);
      assert.ok(implementation, spec.name);
      assert.equal(typeof (await implementation.load()), 'function', spec.name);
    }
  });

  it('option names are lower-case words, and no command redefines --help', () => {
    for (const spec of specs) for (const name of Object.keys(spec.options)) assert.match(name, /^[a-z]+(-[a-z]+)*$/, `${spec.name} --${name}`);
    for (const spec of specs) assert.ok(!('help' in spec.options) && !('h' in spec.options), spec.name);
  });
});
