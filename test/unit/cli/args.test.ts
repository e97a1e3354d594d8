// The command line's argument parser: what each declared option takes, and the usage errors
// (exit 2) it finds before a command runs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { command, groupUsageOf, parse, usageOf, UsageError, wantsHelp, wholeNumber } from '../../../cli/args';

const SPEC = command({
  name: 'meshgraph try',
  synopsis: 'FILE [options]',
  summary: 'a command for the tests',
  positionals: ['FILE'],
  options: {
    url: { type: 'string', value: 'URL', description: 'the host' },
    source: { type: 'string', value: 'S', required: true, description: 'the source' },
    id: { type: 'string', value: 'ID', multiple: true, description: 'ids' },
    outbox: { type: 'string', value: 'TABLE', optionalValue: true, description: 'an outbox' },
    store: { type: 'string', value: 'STORE', choices: ['azurite', 'memory'], description: 'a store' },
    'no-build': { type: 'boolean', description: 'a flag' },
  },
});

const usageError = (args: string[], message: RegExp) =>
  assert.throws(
    () => parse(SPEC, args),
    (err: unknown) => err instanceof UsageError && message.test(err.message) && err.command === 'meshgraph try',
  );

describe('cli argument parser', () => {
  it('reads values, flags, repeated options and positionals', () => {
    const { values, positionals } = parse(SPEC, ['f.csv', '--source', 'crm', '--url=http://h:1', '--id', 'a', '--id', 'b', '--no-build', '--store', 'memory']);
    assert.deepEqual(positionals, ['f.csv']);
    assert.deepEqual(values, { url: 'http://h:1', source: 'crm', id: ['a', 'b'], outbox: undefined, store: 'memory', 'no-build': true });
  });

  it('defaults: flags false, repeated options empty, others undefined', () => {
    const { values } = parse(SPEC, ['f', '--source', 's']);
    assert.equal(values['no-build'], false);
    assert.deepEqual(values.id, []);
    assert.equal(values.url, undefined);
  });

  it('an optional value is taken only when the next argument is not an option', () => {
    assert.equal(parse(SPEC, ['f', '--source', 's', '--outbox']).values.outbox, '');
    assert.equal(parse(SPEC, ['f', '--source', 's', '--outbox', '--no-build']).values.outbox, '');
    assert.equal(parse(SPEC, ['f', '--source', 's', '--outbox', 'events']).values.outbox, 'events');
  });

  it('a value may start with one dash (stdout, a negative number), not two', () => {
    assert.equal(parse(SPEC, ['f', '--source', '-']).values.source, '-');
    usageError(['f', '--source', '--url', 'x'], /^--source needs a value \(S\)$/);
  });

  it('names an unknown option, with or without a value', () => {
    usageError(['f', '--source', 's', '--bogus'], /^unknown option --bogus$/);
    usageError(['f', '--source', 's', '--bogus=1'], /^unknown option --bogus$/);
    usageError(['f', '--source', 's', '-x'], /^unknown option -x$/);
    usageError(['f', '--source', 's', '--constructor'], /^unknown option --constructor$/);
  });

  it('refuses a missing value, a value for a flag, a value outside the choices, a missing required option', () => {
    usageError(['f', '--source'], /^--source needs a value/);
    usageError(['f', '--source', 's', '--no-build=yes'], /^--no-build takes no value$/);
    usageError(['f', '--source', 's', '--store', 'disk'], /^--store must be azurite or memory \(got "disk"\)$/);
    usageError(['f'], /^--source S is required$/);
  });

  it('checks the count of positionals; after -- everything is one', () => {
    usageError(['--source', 's'], /^missing FILE$/);
    usageError(['a', 'b', '--source', 's'], /^unexpected argument "b"$/);
    assert.deepEqual(parse(SPEC, ['--source', 's', '--', '--odd-name.csv']).positionals, ['--odd-name.csv']);
  });

  it('sees --help or -h anywhere before --', () => {
    assert.ok(wantsHelp(['--bogus', '-h']));
    assert.ok(wantsHelp(['x', '--help']));
    assert.ok(!wantsHelp(['--', '--help']));
    assert.ok(!wantsHelp(['--helpful']));
  });

  it('whole numbers: a usage error naming the option', () => {
    assert.equal(wholeNumber('12', 'customers'), 12);
    assert.throws(
      () => wholeNumber('many', 'customers', 0, 'meshgraph demo'),
      (err: unknown) => err instanceof UsageError && err.message === '--customers must be a whole number (got "many")' && err.command === 'meshgraph demo',
    );
    assert.throws(() => wholeNumber('0', 'batch', 1), /--batch must be a whole number of at least 1/);
    assert.throws(() => wholeNumber('', 'top'), UsageError);
  });

  it('the usage lists every option with its value, and --help', () => {
    const text = usageOf(SPEC);
    assert.match(text, /^usage: meshgraph try FILE \[options\]\n/);
    for (const line of ['--url URL', '--source S', '--id ID', '--outbox [TABLE]', '--store STORE', '--no-build', '-h, --help'])
      assert.ok(text.includes(`  ${line} `), line);
  });

  it("a group's usage lists its commands", () => {
    const text = groupUsageOf({ name: 'meshgraph g', summary: 'a group', subcommands: { try: SPEC } });
    assert.match(text, /usage: meshgraph g <command>/);
    assert.match(text, /meshgraph try FILE \[options\]\n {6}a command for the tests/);
  });
});
