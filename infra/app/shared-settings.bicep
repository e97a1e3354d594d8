// The settings both apps read (core/config.ts SETTINGS marks them 'hot' and 'cold'), plus the
// platform settings both need. Identity-based connections throughout: no key or connection
// string is in any setting; the Elasticsearch key is a Key Vault reference.
param identityClientId string
param storageAccountName string
param applicationInsightsConnectionString string
param keyVaultName string
param elasticsearchSecretName string
param elasticsearchUrl string
@description('Durable Task Scheduler endpoint; empty when the durable backend is the storage account.')
param schedulerEndpoint string
param logLevel string

var common = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  // Lets DefaultAzureCredential in app code pick this app's identity.
  AZURE_CLIENT_ID: identityClientId
  // One Elasticsearch cluster for every instance of both apps: the hot app's entities write it,
  // GraphQL reads it, the cold app's reindex rebuilds it. Never empty (main.bicep requires it).
  ELASTICSEARCH_URL: elasticsearchUrl
  ELASTICSEARCH_API_KEY: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${elasticsearchSecretName})'
  MESH_CONTRACTS: 'contracts/telecom'
  // Only the embedded index writes here, and it is not used in Azure; /tmp because the package
  // folder is read-only on Flex Consumption.
  MESH_DATA_DIR: '/tmp/meshgraph'
  MESH_LOG_LEVEL: logLevel
}

// host.json names no storage provider (the storage account is the default); these settings
// override it for the scheduler, so one build serves both backends.
var schedulerSettings = {
  DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${schedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
  AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
}

output settings object = union(common, empty(schedulerEndpoint) ? {} : schedulerSettings)
