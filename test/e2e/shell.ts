// What the README end-to-end test needs to run documented commands as a user does: the shell
// commands of a Markdown file's ```sh blocks, a bash "terminal" per block that keeps its
// variables and folder from one command to the next, and jobs that run until Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export interface DocCommand {
  /** Where the command starts: `README.md:99`. */
  where: string;
  /** The command as written, continuation lines included (comments too: bash ignores them). */
  text: string;
  /** The text without comments, whitespace collapsed: what the test's rules match. */
  key: string;
  /** The comment at the end of the command's last line, if any. */
  comment?: string;
  /** A whole-line comment right after the command, e.g. the answer it prints. */
  shownOutput?: string;
  /** Index of its block among all blocks read (commands of one block share a terminal). */
  block: number;
}

/**
 * Splits a line into its code and its comment as bash reads it; `state` carries the quoting
 * across lines (a quoted string may span lines).
 */
function scanLine(line: string, state: { quote: '' | "'" | '"' }): { code: string; comment?: string } {
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (state.quote === "'") {
      if (c === "'") state.quote = '';
    } else if (state.quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') state.quote = '';
    } else if (c === '\\') i++;
    else if (c === "'" || c === '"') state.quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return { code: line.slice(0, i), comment: line.slice(i + 1).trim() };
  }
  return { code: line };
}

/** The commands of every ```sh (or ```bash, ```shell) block of a Markdown text. */
export function shellCommands(file: string, markdown: string, firstBlock = 0): DocCommand[] {
  const lines = markdown.split('\n');
  const commands: DocCommand[] = [];
  let block = firstBlock - 1;
  let inBlock = false;
  let current: { start: number; lines: string[]; code: string[]; comment?: string } | undefined;
  const state = { quote: '' as '' | "'" | '"' };
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (/^```/.test(line)) {
      if (inBlock) {
        if (current) throw new Error(`${file}:${current.start}: a command is not finished when its block ends`);
        inBlock = false;
      } else if (/^```(sh|bash|shell)\s*$/.test(line)) {
        inBlock = true;
        block++;
      }
      continue;
    }
    if (!inBlock) continue;
    if (!current) {
      if (line.trim() === '') continue;
      if (line.trim().startsWith('#')) {
        const last = commands[commands.length - 1];
        if (last && last.block === block) last.shownOutput = line.trim().slice(1).trim();
        continue;
      }
      current = { start: n + 1, lines: [], code: [] };
    }
    const { code, comment } = scanLine(line, state);
    current.lines.push(line);
    current.code.push(code);
    if (comment !== undefined) current.comment = comment;
    const continues = state.quote !== '' || /\\\s*$/.test(code);
    if (!continues) {
      const key = current.code.join('\n').replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
      commands.push({
        where: `${file}:${current.start}`,
        text: current.lines.join('\n'),
        key,
        ...(current.comment !== undefined ? { comment: current.comment } : {}),
        block,
      });
      current = undefined;
    }
  }
  return commands;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Signals a process group we started, by its leader's pid. Call it only while the group has a
 * process (the leader, or what it left running): a pid is reused once its group is empty.
 */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** True while some process of the group led by `pid` runs (the leader itself may be gone). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A bash that reads commands one at a time, as a terminal does: variables and the current folder
 * carry over from one command to the next. Each command's output goes to its own files; stdin is
 * /dev/null (nothing may wait for a keyboard).
 */
export class Terminal {
  private readonly shell: ChildProcess;
  private readonly lines: AsyncIterator<string>;
  private count = 0;

  constructor(
    cwd: string,
    env: NodeJS.ProcessEnv,
    private readonly outDir: string,
  ) {
    fs.mkdirSync(outDir, { recursive: true });
    this.shell = spawn('bash', ['--noprofile', '--norc'], { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = readline.createInterface({ input: this.shell.stdout! })[Symbol.asyncIterator]();
  }

  async run(command: string, timeoutMs: number): Promise<Run> {
    const n = ++this.count;
    const out = path.join(this.outDir, `${n}.out`);
    const err = path.join(this.outDir, `${n}.err`);
    const token = `__readme_e2e_${randomUUID()}`;
    this.shell.stdin!.write(`{ ${command}\n} </dev/null >'${out}' 2>'${err}'; echo "${token} $?"\n`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const read = async (): Promise<number | null> => {
      for (;;) {
        const next = await this.lines.next();
        if (next.done) return null; // the shell exited (the command ran `exit`)
        if (next.value.startsWith(token)) return Number(next.value.slice(token.length + 1));
      }
    };
    const status = await Promise.race([read(), timedOut]);
    clearTimeout(timer);
    const text = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
    if (status === 'timeout') {
      killGroup(this.shell);
      return { status: null, stdout: text(out), stderr: `${text(err)}\n[still running after ${timeoutMs} ms: stopped]` };
    }
    return { status, stdout: text(out), stderr: text(err) };
  }

  async close(): Promise<void> {
    if (this.shell.exitCode !== null || this.shell.signalCode !== null) return;
    const exited = new Promise((resolve) => this.shell.once('exit', resolve));
    this.shell.stdin!.end();
    const timer = setTimeout(() => killGroup(this.shell), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * A command that runs until Ctrl-C (`npm start`, `cdc postgres`), in its own process group as in
 * a terminal of its own; interrupt() is the Ctrl-C: SIGINT to that group, as a terminal sends it.
 */
export class Job {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private watchers: Array<() => void> = [];

  constructor(command: string, cwd: string, env: NodeJS.ProcessEnv) {
    this.child = spawn('bash', ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (c: Buffer) => ((this.stdout += c.toString()), this.watchers.forEach((w) => w())));
    this.child.stderr!.on('data', (c: Buffer) => ((this.stderr += c.toString()), this.watchers.forEach((w) => w())));
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 + os.constants.signals[signal] : null))));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first match of `pattern` in its output; rejects when it exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const done = (fn: () => void) => {
        clearTimeout(timer);
        this.watchers = this.watchers.filter((w) => w !== check);
        fn();
      };
      const check = () => {
        const m = pattern.exec(`${this.stdout}\n${this.stderr}`);
        if (m) done(() => resolve(m));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${this.stdout}\n${this.stderr}`))), timeoutMs);
      this.watchers.push(check);
      check();
      void this.exited.then((code) => done(() => reject(new Error(`exited (${code}) before printing ${pattern}; output:\n${this.stdout}\n${this.stderr}`))));
    });
  }

  /** Ends what is left of it (after a failure): the group, while some process of it runs. */
  kill(): void {
    if (this.running || groupAlive(this.child.pid!)) killGroup(this.child);
  }

  /**
   * Ctrl-C, then waits until every process of its group has ended (npm may end before the
   * script it ran). Resolves with the status bash would report (128 + 2 for SIGINT), or
   * undefined when something of it still ran after `timeoutMs` (then it is killed).
   */
  async interrupt(timeoutMs: number): Promise<number | undefined> {
    if (this.running || groupAlive(this.child.pid!)) killGroup(this.child, 'SIGINT');
    const until = Date.now() + timeoutMs;
    const status = await Promise.race([this.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref())]);
    while (status !== undefined && groupAlive(this.child.pid!) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    if (status === undefined || groupAlive(this.child.pid!)) {
      killGroup(this.child);
      return undefined;
    }
    return status ?? undefined;
  }
}
