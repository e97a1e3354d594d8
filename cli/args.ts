// The command line's one argument parser. Every command declares its options and positional
// arguments once (cli/commands.ts); the same declaration parses them, checks them and prints the
// command's usage. `--help` or `-h` anywhere asks for the usage; an unknown option, a missing
// value or a value outside its choices is a usage error, found before the command does anything.

export interface OptionSpec {
  /** A flag ('boolean') takes no value. */
  readonly type: 'string' | 'boolean';
  /** The value's name in the usage: `--customers N`. */
  readonly value?: string;
  /** What it does, for the usage (defaults are stated here). May hold line breaks. */
  readonly description: string;
  /** May be given more than once (`--id A --id B`); its values are collected in order. */
  readonly multiple?: boolean;
  /** The value may be left out (`--outbox [TABLE]`): the next argument is its value only when it is not an option. */
  readonly optionalValue?: boolean;
  /** The values allowed. */
  readonly choices?: readonly string[];
  /** The command cannot run without it. */
  readonly required?: boolean;
}

export interface CommandSpec {
  /** The words that run it: 'meshgraph demo generate'. */
  readonly name: string;
  /** The usage line after the name, e.g. 'FILE --source S [options]'. */
  readonly synopsis: string;
  /** One line for the list of commands. */
  readonly summary: string;
  /** What it does, printed under the usage line. */
  readonly about?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Names of the positional arguments, all required. */
  readonly positionals?: readonly string[];
  /** Printed after the options. */
  readonly notes?: string;
}

/** A command with subcommands (`deadletters list|replay`); `fallback` runs when none is named (`demo`). */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly subcommands: Readonly<Record<string, CommandSpec>>;
  readonly fallback?: CommandSpec;
  /** Other words for subcommands (`demo run` is `demo`). */
  readonly aliases?: Readonly<Record<string, CommandSpec>>;
}

type ValueOf<O extends OptionSpec> = O['type'] extends 'boolean'
  ? boolean
  : O['multiple'] extends true
    ? string[]
    : O['required'] extends true
      ? string
      : string | undefined;

export type Values<S extends CommandSpec> = { -readonly [K in keyof S['options']]: ValueOf<S['options'][K]> };

export interface Parsed<S extends CommandSpec> {
  values: Values<S>;
  positionals: string[];
}

/** Declares a command; `const` keeps the literal option types that `Values` reads. */
export function command<const S extends CommandSpec>(spec: S): S {
  return spec;
}

/** Where a command writes; tests pass their own. */
export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
}

export const PROCESS_IO: CommandIO = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

/** Bad usage: exit code 2, with the message and a pointer to the usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage applies. */
    readonly command: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const HELP = new Set(['--help', '-h']);

/** True when the arguments ask for the usage (`--help` or `-h` before any `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === '--') return false;
    if (HELP.has(a)) return true;
  }
  return false;
}

export function parse<S extends CommandSpec>(spec: S, args: readonly string[]): Parsed<S> {
  const fail = (message: string): never => {
    throw new UsageError(message, spec.name);
  };
  const values: Record<string, string | string[] | boolean | undefined> = {};
  for (const [name, o] of Object.entries(spec.options)) values[name] = o.type === 'boolean' ? false : o.multiple ? [] : undefined;
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') ? arg.slice(2, eq > 0 ? eq : undefined) : '';
    const option = Object.hasOwn(spec.options, name) ? spec.options[name] : undefined;
    if (!option) fail(`unknown option ${eq > 0 ? arg.slice(0, eq) : arg}`);
    const o = option as OptionSpec;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (o.type === 'boolean') {
      if (inline !== undefined) fail(`--${name} takes no value`);
      values[name] = true;
      continue;
    }
    let value = inline;
    const next = args[i + 1];
    if (value === undefined && next !== undefined && (o.optionalValue ? !next.startsWith('-') : !next.startsWith('--'))) {
      value = next;
      i++;
    }
    if (value === undefined) {
      if (o.optionalValue) value = '';
      else fail(`--${name} needs a value${o.value ? ` (${o.value})` : ''}`);
    }
    if (o.choices && value !== '' && !o.choices.includes(value as string))
      fail(`--${name} must be ${o.choices.join(', ').replace(/, ([^,]*)$/, ' or $1')} (got "${value}")`);
    if (o.multiple) (values[name] as string[]).push(value as string);
    else values[name] = value;
  }
  for (const [name, o] of Object.entries(spec.options))
    if (o.required && values[name] === undefined) fail(`--${name}${o.value ? ` ${o.value}` : ''} is required`);
  const expected = spec.positionals ?? [];
  if (positionals.length > expected.length) fail(`unexpected argument "${positionals[expected.length]}"`);
  if (positionals.length < expected.length) fail(`missing ${expected.slice(positionals.length).join(' ')}`);
  return { values: values as Values<S>, positionals };
}

/** A whole number from an option's text, at least `min`; a usage error otherwise. */
export function wholeNumber(text: string, option: string, min = 0, command = 'meshgraph'): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(n) || n < min)
    throw new UsageError(`--${option} must be a whole number${min > 0 ? ` of at least ${min}` : ''} (got "${text}")`, command);
  return n;
}

const COLUMN = 24;

function indent(text: string, by: number): string {
  return text.replace(/\n/g, `\n${' '.repeat(by)}`);
}

/** The usage of one command: its line, what it does, its options. */
export function usageOf(spec: CommandSpec): string {
  const lines = [`usage: ${spec.name} ${spec.synopsis}`.trimEnd(), ''];
  if (spec.about) lines.push(`  ${indent(spec.about, 2)}`, '');
  lines.push('options:');
  const entries: Array<[string, string]> = Object.entries(spec.options).map(([name, o]) => [
    `--${name}${o.value ? (o.optionalValue ? ` [${o.value}]` : ` ${o.value}`) : ''}`,
    o.description,
  ]);
  entries.push(['-h, --help', 'print this usage']);
  for (const [left, description] of entries) {
    if (left.length + 4 > COLUMN) lines.push(`  ${left}`, `${' '.repeat(COLUMN)}${indent(description, COLUMN)}`);
    else lines.push(`  ${left.padEnd(COLUMN - 2)}${indent(description, COLUMN)}`);
  }
  if (spec.notes) lines.push('', spec.notes.trimEnd());
  return lines.join('\n') + '\n';
}

/** The usage of a command with subcommands: the fallback's usage (if any), then each subcommand's line. */
export function groupUsageOf(group: CommandGroup): string {
  const subs = Object.values(group.subcommands)
    .map((s) => `  ${`${s.name} ${s.synopsis}`.trimEnd()}\n      ${s.summary}`)
    .join('\n');
  const head = group.fallback ? `${usageOf(group.fallback)}\n` : `usage: ${group.name} <command> [options]\n\n  ${group.summary}\n\n`;
  return `${head}commands:\n${subs}\n\n${group.name} <command> --help prints a command's options.\n`;
}
