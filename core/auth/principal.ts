// The caller's roles, from App Service authentication's `x-ms-client-principal` header (base64
// JSON: { auth_typ, claims: [{ typ, val }], name_typ, role_typ }). Locally the same header can be
// crafted by hand (docs/graphql.md). A malformed header is a 400, never a silent anonymous caller.
import { UserError } from '../errors';

export interface Principal {
  name?: string;
  roles: ReadonlySet<string>;
}

export const ANONYMOUS: Principal = { roles: new Set() };

const ROLE_CLAIMS = ['roles', 'role', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role'];

export function principalFrom(header: string | null | undefined): Principal {
  if (!header) return ANONYMOUS;
  let parsed: { claims?: Array<{ typ?: unknown; val?: unknown }>; role_typ?: unknown; name_typ?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    throw new UserError(400, 'invalid-principal', 'x-ms-client-principal is not base64-encoded JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.claims))
    throw new UserError(400, 'invalid-principal', 'x-ms-client-principal has no claims array');
  const roleTypes = new Set([...ROLE_CLAIMS, ...(typeof parsed.role_typ === 'string' ? [parsed.role_typ] : [])]);
  const roles = new Set<string>();
  let name: string | undefined;
  for (const c of parsed.claims) {
    if (typeof c?.typ !== 'string' || typeof c.val !== 'string') continue;
    if (roleTypes.has(c.typ)) roles.add(c.val);
    if (c.typ === parsed.name_typ || c.typ === 'name') name ??= c.val;
  }
  return { ...(name ? { name } : {}), roles };
}

/** A header value for tests and local use: `principalHeader(['pii.read'])`. */
export function principalHeader(roles: string[], name = 'local-user'): string {
  return Buffer.from(
    JSON.stringify({
      auth_typ: 'local',
      name_typ: 'name',
      role_typ: 'roles',
      claims: [{ typ: 'name', val: name }, ...roles.map((r) => ({ typ: 'roles', val: r }))],
    }),
  ).toString('base64');
}
