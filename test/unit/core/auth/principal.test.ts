import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ANONYMOUS, principalFrom, principalHeader } from '../../../../core/auth/principal';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('principalFrom (x-ms-client-principal)', () => {
  it('reads roles from the claim type the header names, and the common role claim types', () => {
    const p = principalFrom(
      encode({
        auth_typ: 'aad',
        name_typ: 'name',
        role_typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
        claims: [
          { typ: 'name', val: 'Ada' },
          { typ: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role', val: 'pii.read' },
          { typ: 'roles', val: 'mesh.admin' },
          { typ: 'email', val: 'x@y' },
        ],
      }),
    );
    assert.equal(p.name, 'Ada');
    assert.deepEqual([...p.roles].sort(), ['mesh.admin', 'pii.read']);
  });

  it('treats a missing header as anonymous and a malformed one as a 400', () => {
    assert.equal(principalFrom(undefined), ANONYMOUS);
    assert.throws(
      () => principalFrom('not base64 json'),
      (e: { status?: number }) => e.status === 400,
    );
    assert.throws(() => principalFrom(encode({ claims: 'nope' })), /no claims array/);
  });

  it('round-trips the header docs/graphql.md tells local users to craft', () => {
    assert.deepEqual([...principalFrom(principalHeader(['pii.read'])).roles], ['pii.read']);
  });
});
