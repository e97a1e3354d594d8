// The hot app: ingest (Event Hubs trigger and POST /api/events), GraphQL, health and the durable
// entities. Warm instances for HTTP and for the trigger keep ingestion and queries free of cold
// starts.
param name string
param planName string
param location string
param tags object
param identityResourceId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsConnectionString string
param keyVaultName string
param elasticsearchSecretName string
param elasticsearchUrl string
param schedulerEndpoint string
param logLevel string
param eventHubsNamespaceFqdn string
param eventHubName string
param consumerGroup string
param alwaysReadyInstances int
param coldApiBaseUrl string

module shared 'shared-settings.bicep' = {
  name: 'hot-shared-settings'
  params: {
    identityClientId: identityClientId
    storageAccountName: storageAccountName
    applicationInsightsConnectionString: applicationInsightsConnectionString
    keyVaultName: keyVaultName
    elasticsearchSecretName: elasticsearchSecretName
    elasticsearchUrl: elasticsearchUrl
    schedulerEndpoint: schedulerEndpoint
    logLevel: logLevel
  }
}

// Tuning values are core/config.ts defaults (a test keeps them equal); set here so they can be
// changed on the app without a redeploy of code.
var hotSettings = {
  EventHubConnection__fullyQualifiedNamespace: eventHubsNamespaceFqdn
  EventHubConnection__credential: 'managedidentity'
  EventHubConnection__clientId: identityClientId
  EVENT_HUB_NAME: eventHubName
  EVENT_HUB_CONSUMER_GROUP: consumerGroup
  COLD_API_BASE_URL: coldApiBaseUrl
  MESH_MAX_INGEST_BYTES: '4194304'
  MESH_MAX_INGEST_EVENTS: '10000'
  MESH_INGEST_WAIT_MS: '30000'
  MESH_ROUTERS: '16'
  MESH_HISTORY_LIMIT: '100'
  MESH_HISTORY_MAX_AGE_DAYS: '90'
  MESH_HISTORY_MAX_KB: '64'
  MESH_GRAPHQL_MAX_DEPTH: '12'
  MESH_GRAPHQL_MAX_ALIASES: '30'
  MESH_GRAPHQL_MAX_COST: '20000'
  MESH_GRAPHQL_MAX_FIRST: '100'
  MESH_GRAPHQL_MAX_QUERY_BYTES: '32768'
  MESH_GRAPHQL_PERSISTED_QUERIES: 'apq'
  MESH_GRAPHIQL: 'on'
  MESH_GRAPHQL_EXECUTOR: 'jit'
}

// functions/ingest-trigger.ts registers the trigger as 'ingestTrigger'.
var warm = alwaysReadyInstances == 0 ? [] : [
  { name: 'http', instanceCount: alwaysReadyInstances }
  { name: 'function:ingestTrigger', instanceCount: alwaysReadyInstances }
]

module app '../core/host/flex-function.bicep' = {
  name: 'hot-flex-function'
  params: {
    name: name
    planName: planName
    location: location
    tags: tags
    serviceName: 'hot'
    identityResourceId: identityResourceId
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    appSettings: union(shared.outputs.settings, hotSettings)
    alwaysReady: warm
    // Every instance reads and writes the one Elasticsearch cluster (shared-settings.bicep), so a
    // query's answer does not depend on which instance serves it.
    maximumInstanceCount: 100
  }
}

output name string = app.outputs.name
output apiBaseUrl string = app.outputs.apiBaseUrl
