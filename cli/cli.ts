// `meshgraph <command> ...`: finds the command's declaration (cli/commands.ts), answers --help and
// bad usage from it before anything runs, applies the local settings, and only then loads the
// command's code and runs it.
import path from 'node:path';
import { groupUsageOf, parse, PROCESS_IO, usageOf, UsageError, wantsHelp, type CommandGroup, type CommandIO, type CommandSpec, type Parsed } from './args';
import * as specs from './commands';
import { COMMANDS, isGroup, mainUsage } from './commands';
import { HostUnreachable } from './host-url';
import { PACKAGE_ROOT } from './package';
import { applyLocalSettings } from '../host/settings';
import { ConfigError } from '../core/errors';

type Run<S extends CommandSpec> = (parsed: Parsed<S>, io: CommandIO) => Promise<number>;

interface Implementation {
  spec: CommandSpec;
  load(): Promise<Run<any>>;
}

function implement<S extends CommandSpec>(spec: S, load: () => Promise<Run<S>>): Implementation {
  return { spec, load };
}

/** Each command's code, loaded only when it runs: `start` does not pay for exceljs, pg or GraphQL. */
const IMPLEMENTATIONS: readonly Implementation[] = [
  implement(specs.START, async () => (await import('./start')).startCommand),
  implement(specs.BUILD, async () => (await import('./start')).buildCommand),
  implement(specs.CONTRACTS_BUILD, async () => (await import('./contracts')).contractsBuildCommand),
  implement(specs.CONTRACTS_CHECK, async () => (await import('./contracts')).contractsCheckCommand),
  implement(specs.DEMO_RUN, async () => (await import('./demo-run')).demoRunCommand),
  implement(specs.DEMO_GENERATE, async () => (await import('./demo')).demoGenerateCommand),
  implement(specs.DEADLETTERS_LIST, async () => (await import('./deadletters')).deadLettersListCommand),
  implement(specs.DEADLETTERS_REPLAY, async () => (await import('./deadletters')).deadLettersReplayCommand),
  implement(specs.REINDEX, async () => (await import('./reindex')).reindexCommand),
  implement(specs.INGEST, async () => (await import('./ingest')).ingestCommand),
  implement(specs.CDC_POSTGRES, async () => (await import('./cdc')).cdcCommand),
  implement(specs.QUERIES_REGISTER, async () => (await import('./queries')).queriesCommand),
];

export function implementationOf(spec: CommandSpec): Implementation | undefined {
  return IMPLEMENTATIONS.find((i) => i.spec === spec);
}

/** What the words name: a command with the rest of its arguments, or a usage to print. */
type Resolved = { spec: CommandSpec; args: string[]; helpText: string } | { text: string; code: 0 | 2; to: 'out' | 'err' };

function resolveGroup(group: CommandGroup, args: string[]): Resolved {
  const [word, ...rest] = args;
  const own = (table: Readonly<Record<string, CommandSpec>> | undefined) =>
    word !== undefined && table && Object.hasOwn(table, word) ? table[word] : undefined;
  const sub = own(group.subcommands);
  if (sub) return { spec: sub, args: rest, helpText: usageOf(sub) };
  const alias = own(group.aliases);
  if (alias) return { spec: alias, args: rest, helpText: groupUsageOf(group) };
  if (word === 'help' || (!group.fallback && wantsHelp(args))) return { text: groupUsageOf(group), code: 0, to: 'out' };
  if (group.fallback) return { spec: group.fallback, args, helpText: groupUsageOf(group) };
  if (word === undefined) return { text: `${group.name}: name a command\n\n${groupUsageOf(group)}`, code: 2, to: 'err' };
  return { text: `${group.name}: unknown command "${word}"\n\n${groupUsageOf(group)}`, code: 2, to: 'err' };
}

export function resolveCommand(argv: readonly string[]): Resolved {
  const [name, ...rest] = argv;
  if (name === undefined) return { text: mainUsage(), code: 2, to: 'err' };
  if (name === 'help' || name === '--help' || name === '-h') {
    if (rest.length === 0 || !Object.hasOwn(COMMANDS, rest[0]!)) return { text: mainUsage(), code: 0, to: 'out' };
    const named = resolveCommand([...rest, '--help']);
    return 'spec' in named ? { text: named.helpText, code: 0, to: 'out' } : named;
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) return { text: `meshgraph: unknown ${name.startsWith('-') ? 'option' : 'command'} "${name}"\n\n${mainUsage()}`, code: 2, to: 'err' };
  return isGroup(entry) ? resolveGroup(entry, rest) : { spec: entry, args: rest, helpText: usageOf(entry) };
}

/**
 * The local settings, as Core Tools applies local.settings.json: the environment wins, then the
 * current folder's file, then the package's (its local defaults, when meshgraph is installed).
 */
export function applyCommandSettings(): void {
  applyLocalSettings(path.resolve('local.settings.json'));
  applyLocalSettings(path.join(PACKAGE_ROOT, 'local.settings.json'));
}

export async function runCli(argv: readonly string[], io: CommandIO = PROCESS_IO): Promise<number> {
  const resolved = resolveCommand(argv);
  if (!('spec' in resolved)) {
    io[resolved.to](resolved.text);
    return resolved.code;
  }
  const { spec, args, helpText } = resolved;
  if (wantsHelp(args)) {
    io.out(helpText);
    return 0;
  }
  const usageFailed = (err: UsageError) => {
    io.err(`${err.command}: ${err.message}\n\n${helpText}`);
    return 2;
  };
  let parsed: Parsed<CommandSpec>;
  try {
    parsed = parse(spec, args);
  } catch (err) {
    if (err instanceof UsageError) return usageFailed(err);
    throw err;
  }
  applyCommandSettings();
  const implementation = implementationOf(spec);
  if (!implementation) throw new Error(`${spec.name} has no implementation`);
  try {
    return await (
      await implementation.load()
    )(parsed, io);
  } catch (err) {
    if (err instanceof UsageError) return usageFailed(err);
    if (err instanceof HostUnreachable) {
      io.err(`${spec.name}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof ConfigError) {
      io.err(`${spec.name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
