// The app's Azure identity, for identity-based connections (AzureWebJobsStorage__accountName,
// EventHubConnection__fullyQualifiedNamespace): DefaultAzureCredential, with AZURE_CLIENT_ID naming
// a user-assigned identity. One per process, and the SDK loaded only when a setting asks for it.
import type { TokenCredential } from '@azure/core-auth';

let credential: Promise<TokenCredential> | undefined;

export function appCredential(): Promise<TokenCredential> {
  return (credential ??= import('@azure/identity').then(
    ({ DefaultAzureCredential }) => new DefaultAzureCredential(process.env.AZURE_CLIENT_ID ? { managedIdentityClientId: process.env.AZURE_CLIENT_ID } : {}),
  ));
}
