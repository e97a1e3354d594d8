// Core Tools' behaviour for local.settings.json: its "Values" become environment variables,
// without overriding what the environment already sets.
import fs from 'node:fs';
import path from 'node:path';

export function applyLocalSettings(file = path.resolve('local.settings.json'), env: NodeJS.ProcessEnv = process.env): string[] {
  if (!fs.existsSync(file)) return [];
  let parsed: { Values?: Record<string, unknown> };
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const applied: string[] = [];
  for (const [name, value] of Object.entries(parsed.Values ?? {})) {
    if (env[name] !== undefined) continue;
    env[name] = String(value);
    applied.push(name);
  }
  return applied;
}

export function readHostJson(dir: string): Record<string, any> {
  const file = path.join(dir, 'host.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
}
