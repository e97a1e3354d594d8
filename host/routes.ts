// Route templates as the Functions host reads them: literal segments, `{name}`, `{name?}`,
// `{name:constraint}` (constraint ignored beyond int/alpha/guid), and a catch-all `{*rest}`.
import type { HostedFunction } from './worker/app';

interface Segment {
  literal?: string;
  param?: string;
  optional?: boolean;
  catchAll?: boolean;
  constraint?: string;
}

export interface Route {
  fn: HostedFunction;
  template: string;
  methods: Set<string>;
  segments: Segment[];
}

function parseSegment(raw: string): Segment {
  const m = /^\{(\*)?([A-Za-z_][A-Za-z0-9_]*)(?::([a-z]+)[^}]*)?(\?)?\}$/.exec(raw);
  if (!m) return { literal: raw.toLowerCase() };
  return { param: m[2]!, catchAll: Boolean(m[1]), optional: Boolean(m[4]), ...(m[3] ? { constraint: m[3] } : {}) };
}

export function compileRoute(fn: HostedFunction): Route {
  const template = String(fn.trigger.route ?? fn.name).replace(/^\/+|\/+$/g, '');
  const methods = new Set(((fn.trigger.methods as string[] | undefined) ?? ['GET', 'POST']).map((m) => m.toUpperCase()));
  return { fn, template, methods, segments: template === '' ? [] : template.split('/').map(parseSegment) };
}

const CONSTRAINTS: Record<string, RegExp> = { int: /^-?\d+$/, alpha: /^[A-Za-z]+$/, guid: /^[0-9a-f-]{36}$/i, bool: /^(true|false)$/i };

/** Matches decoded path segments (after `/api/`); returns the route parameters or undefined. */
export function matchRoute(route: Route, parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  let i = 0;
  for (const seg of route.segments) {
    if (seg.catchAll) {
      params[seg.param!] = parts.slice(i).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) {
      if (seg.optional) continue;
      return undefined;
    }
    if (seg.literal !== undefined) {
      if (part.toLowerCase() !== seg.literal) return undefined;
    } else {
      const check = seg.constraint ? CONSTRAINTS[seg.constraint] : undefined;
      if (check && !check.test(part)) return undefined;
      params[seg.param!] = part;
    }
    i++;
  }
  return i === parts.length ? params : undefined;
}

/** Refuses two apps or functions that would answer the same route and method. */
export function checkCollisions(routes: Route[]): void {
  const seen = new Map<string, Route>();
  for (const r of routes) {
    const shape = r.segments.map((s) => s.literal ?? '{}').join('/');
    for (const m of r.methods) {
      const other = seen.get(`${m} ${shape}`);
      if (other) throw new Error(`route collision: ${m} /api/${r.template} is served by both ${other.fn.app}/${other.fn.name} and ${r.fn.app}/${r.fn.name}`);
      seen.set(`${m} ${shape}`, r);
    }
  }
}
