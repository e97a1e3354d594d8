// GraphQL over HTTP conformance: graphql-http's server audits against /api/graphql in the local
// host. Every MUST and SHOULD audit passes; MAY audits are reported, not required.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverAudits, type AuditResult } from 'graphql-http';
import { TELECOM_CONTRACTS, useMeshHost } from '../../helpers/mesh-host';

async function describeFailure(result: Exclude<AuditResult, { status: 'ok' }>): Promise<string> {
  const body = await result.response
    .clone()
    .text()
    .catch(() => '(body already read)');
  return `${result.status}: ${result.reason}\n  answered ${result.response.status} ${result.response.headers.get('content-type') ?? ''}\n  ${body.slice(0, 500)}`;
}

describe('graphql-http server audits on /api/graphql', () => {
  const suite = useMeshHost({ contracts: TELECOM_CONTRACTS, store: 'memory' });
  const audits = serverAudits({ url: () => `${suite.mesh.host.url}/api/graphql` });

  it('has audits of every level to run', () => {
    for (const level of ['MUST', 'SHOULD', 'MAY'])
      assert.ok(
        audits.some((a) => a.name.startsWith(`${level} `)),
        level,
      );
  });

  for (const audit of audits) {
    const required = !audit.name.startsWith('MAY ');
    it(`${audit.id} ${audit.name}`, async (t) => {
      const result = await audit.fn();
      if (result.status === 'ok') return;
      const failure = await describeFailure(result);
      if (required) assert.fail(failure);
      t.diagnostic(`optional audit not met: ${failure}`);
    });
  }
});
