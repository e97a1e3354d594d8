// Reads the Bicep files with the tree-sitter Bicep grammar (no Bicep compiler can be installed
// here): parse errors, declarations, module references and the keys of object literals.
import fs from 'node:fs';
import path from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';

export const ROOT = path.resolve(__dirname, '../../..');
export const INFRA = path.join(ROOT, 'infra');

let parser: Promise<Parser> | undefined;
function bicepParser(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const p = new Parser();
    p.setLanguage(await Language.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm')));
    return p;
  })();
  return parser;
}

export interface BicepFile {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  text: string;
  root: Node;
}

export async function parseBicep(text: string, file = '<inline>'): Promise<BicepFile> {
  const tree = (await bicepParser()).parse(text);
  if (!tree) throw new Error(`tree-sitter returned no tree for ${file}`);
  return { file, text, root: tree.rootNode };
}

/** Every .bicep file under infra/, relative to the repository root. */
export function bicepFiles(dir = INFRA): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => path.relative(ROOT, path.join(dir, f)).split(path.sep).join('/'))
    .sort();
}

export async function readBicep(file: string): Promise<BicepFile> {
  return parseBicep(fs.readFileSync(path.join(ROOT, file), 'utf8'), file);
}

/** "line:column type" of each error or missing node; empty when the file parses cleanly. */
export function parseErrors(root: Node): string[] {
  const found: string[] = [];
  const visit = (n: Node) => {
    if (n.type === 'ERROR' || n.isMissing)
      found.push(`${n.startPosition.row + 1}:${n.startPosition.column + 1} ${n.isMissing ? `missing ${n.type}` : 'unexpected input'}`);
    else if (n.hasError) for (const c of n.children) if (c) visit(c);
  };
  visit(root);
  return found;
}

const nameOf = (decl: Node) => decl.namedChildren.find((c) => c?.type === 'identifier')?.text ?? '';
const unquote = (s: string) => s.replace(/^'|'$/g, '');

type DeclarationType = 'parameter_declaration' | 'output_declaration' | 'variable_declaration' | 'module_declaration' | 'resource_declaration';

export function declarations(f: BicepFile, type: DeclarationType): Node[] {
  return f.root.namedChildren.filter((c): c is Node => c?.type === type);
}

export const names = (f: BicepFile, type: DeclarationType) => declarations(f, type).map(nameOf);

/** The expression a declaration assigns (its last named child). */
function valueOf(decl: Node): Node | undefined {
  return decl.namedChildren.at(-1) ?? undefined;
}

export function hasDefault(param: Node): boolean {
  // identifier, type, and then the default value when there is one
  return param.namedChildren.length > 2;
}

/** The decorators written above a declaration, as text: ["@secure()", "@minLength(1)"]. */
export function decoratorsOf(decl: Node): string[] {
  const prev = decl.previousNamedSibling;
  return prev?.type === 'decorators' ? prev.namedChildren.flatMap((d) => (d ? [d.text] : [])) : [];
}

export function isSecure(param: Node): boolean {
  return decoratorsOf(param).includes('@secure()');
}

/** A resource or module declared with `= if (...)`: deployed only when the condition holds. */
export function isConditional(decl: Node): boolean {
  return decl.namedChildren.some((c) => c?.type === 'if_statement');
}

/** The declaration of `name` of the given type; throws when the file has none. */
export function declaration(f: BicepFile, type: DeclarationType, name: string): Node {
  const found = declarations(f, type).find((d) => nameOf(d) === name);
  if (!found) throw new Error(`${f.file} has no ${type.replace('_declaration', '')} ${name}`);
  return found;
}

function isPropertyKey(n: Node): boolean {
  return n.parent?.type === 'object_property' && n.parent.namedChildren[0]?.id === n.id;
}

/** Identifiers that refer to `name` (not its declaration, not an object key of the same text). */
export function references(f: BicepFile, name: string): Node[] {
  return f.root
    .descendantsOfType('identifier')
    .filter(
      (n): n is Node =>
        !!n && n.text === name && !isPropertyKey(n) && !(n.parent && n.parent.namedChildren[0]?.id === n.id && n.parent.type.endsWith('_declaration')),
    );
}

export interface ModuleRef {
  name: string;
  path: string;
  params: string[];
}

function objectProperties(obj: Node): Map<string, Node> {
  const props = new Map<string, Node>();
  for (const p of obj.namedChildren) {
    if (p?.type !== 'object_property') continue;
    const [key, value] = [p.namedChildren[0], p.namedChildren.at(-1)];
    if (key && value) props.set(unquote(key.text), value);
  }
  return props;
}

/** The properties of a resource's or module's body, conditional or not. */
export function bodyOf(decl: Node): Map<string, Node> {
  const body =
    decl.namedChildren.find((c) => c?.type === 'object') ??
    decl.namedChildren.find((c) => c?.type === 'if_statement')?.namedChildren.find((c) => c?.type === 'object');
  return body ? objectProperties(body) : new Map();
}

/** The expression a module declaration passes for each of its parameters. */
export function moduleParams(decl: Node): Map<string, Node> {
  const params = bodyOf(decl).get('params');
  return params?.type === 'object' ? objectProperties(params) : new Map();
}

export function moduleRefs(f: BicepFile): ModuleRef[] {
  return declarations(f, 'module_declaration').map((m) => {
    const target = m.namedChildren.find((c) => c?.type === 'string');
    return { name: nameOf(m), path: unquote(target?.text ?? ''), params: [...moduleParams(m).keys()] };
  });
}

/**
 * The properties an object-valued variable or output can hold: object literals reached through
 * union(), ternaries, parentheses and other variables of the same file.
 */
export function objectValue(f: BicepFile, declName: string): Map<string, Node> {
  const decl = [...declarations(f, 'output_declaration'), ...declarations(f, 'variable_declaration')].find((d) => nameOf(d) === declName);
  if (!decl) throw new Error(`${f.file} declares no variable or output ${declName}`);
  const props = new Map<string, Node>();
  const seen = new Set<string>();
  const collect = (n: Node | null | undefined) => {
    if (!n) return;
    if (n.type === 'object') for (const [k, v] of objectProperties(n)) props.set(k, v);
    else if (n.type === 'identifier' && !seen.has(n.text)) {
      seen.add(n.text);
      const v = declarations(f, 'variable_declaration').find((d) => nameOf(d) === n.text);
      if (v) collect(valueOf(v));
    } else if (n.type === 'call_expression') for (const a of n.childForFieldName('arguments')?.namedChildren ?? []) collect(a);
    else if (n.type === 'ternary_expression') for (const field of ['consequence', 'alternative']) collect(n.childForFieldName(field));
    else if (n.type === 'parenthesized_expression') for (const c of n.namedChildren) collect(c);
  };
  collect(valueOf(decl));
  return props;
}

/** The literal text of a string node when it has no interpolation, else undefined. */
export function literal(n: Node): string | undefined {
  if (n.type !== 'string' || n.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  return unquote(n.text);
}

export function outputRefsOf(f: BicepFile, moduleName: string): string[] {
  // `mod.outputs.x` is member_expression(member_expression(mod, outputs), x)
  return f.root
    .descendantsOfType('member_expression')
    .filter((n): n is Node => !!n)
    .flatMap((n) => {
      const inner = n.childForFieldName('object');
      if (inner?.type !== 'member_expression') return [];
      if (inner.childForFieldName('object')?.text !== moduleName || inner.childForFieldName('property')?.text !== 'outputs') return [];
      return [n.childForFieldName('property')?.text ?? ''];
    });
}
