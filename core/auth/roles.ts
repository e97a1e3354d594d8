// Role checks for admin endpoints: no principal is a 401 (sign in), a principal without the role
// a 403 naming the role.
import { UserError } from '../errors';
import type { Principal } from './principal';

export const ADMIN_ROLE = 'mesh.admin';

export function requireRole(who: Principal, role: string): void {
  if (who.roles.size === 0 && who.name === undefined)
    throw new UserError(401, 'authentication-required', `this endpoint needs a signed-in caller with the role ${role}`);
  if (!who.roles.has(role)) throw new UserError(403, 'role-required', `this endpoint needs the role ${role}`, { role });
}
