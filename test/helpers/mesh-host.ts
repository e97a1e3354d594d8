// Test side of the mesh host (host/harness/mesh-host.ts): a private Azurite and a mesh host per
// describe(), started and stopped by its hooks.
import { after, before } from 'node:test';
import { startTestAzurite, type TestAzurite } from '../../host/harness/azurite';
import { startMeshHost, type MeshHost, type MeshHostOptions } from '../../host/harness/mesh-host';

export * from '../../host/harness/mesh-host';

/**
 * Inside a describe(): a private Azurite and a mesh host for the suite, stopped after it.
 * Read `suite.mesh` in tests (it is set once the suite's before hook ran).
 */
export function useMeshHost(options: MeshHostOptions & { withCold?: boolean; seed?: (mesh: MeshHost) => Promise<void> } = {}): { readonly mesh: MeshHost } {
  let azurite: TestAzurite | undefined;
  let mesh: MeshHost | undefined;
  before(async () => {
    azurite = await startTestAzurite();
    mesh = await startMeshHost(azurite.connectionString, undefined, options.withCold ?? false, options);
    await options.seed?.(mesh);
  });
  after(async () => {
    await mesh?.stop();
    await azurite?.stop();
  });
  return {
    get mesh(): MeshHost {
      if (!mesh) throw new Error('the mesh host is not started (use it inside tests of the suite)');
      return mesh;
    },
  };
}
