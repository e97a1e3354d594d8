// meshgraph on Azure: the hot app (ingest, GraphQL, entities) and the cold app (rarely used
// queries), each on its own Flex Consumption plan, with everything they reach through one
// user-assigned identity per app. `azd up` deploys it; docs/deploy.md explains the choices.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it seeds every resource name.')
param environmentName string

@minLength(1)
@description('Region of every resource; it must offer Flex Consumption.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Where durable entity state lives: the shared storage account, or a Durable Task Scheduler.')
@allowed(['AzureStorage', 'DurableTaskScheduler'])
param durableBackend string = 'AzureStorage'

@description('Billing model of the Durable Task Scheduler (used only with DurableTaskScheduler).')
@allowed(['Consumption', 'Dedicated'])
param durableTaskSchedulerSku string = 'Consumption'

@description('Partitions of the event hub: the most hot-app instances that read it at once. Fixed once created on the Standard tier.')
@minValue(1)
@maxValue(32)
param eventHubPartitionCount int = 4

@description('Instances the hot app keeps warm for HTTP and for the Event Hubs trigger each; 0 lets it scale to zero as well.')
@minValue(0)
param hotAlwaysReadyInstances int = 1

// The search index every instance of both apps shares. There is no embedded (SQLite) choice here:
// it is a file on one instance, and Flex Consumption cannot hold an app to one instance (HTTP
// functions, durable entities and the Event Hubs trigger each scale on their own instances, and
// always-ready instances do not count toward maximumInstanceCount), so the entities that write
// the index and the GraphQL function that reads it would never share a file. Both parameters are
// required with no default: azd asks for them when the azd environment does not set them.
@minLength(1)
@description('URL of the Elasticsearch cluster both apps share (Elastic Cloud, Elastic on Azure), e.g. https://my-deployment.es.westeurope.azure.elastic-cloud.com.')
param elasticsearchUrl string

@secure()
@minLength(1)
@description('API key of that cluster (the "encoded" value) that may manage, write and read the meshgraph-* indices: written to Key Vault only; the apps get a Key Vault reference.')
param elasticsearchApiKey string

@description('Lowest level the apps log.')
@allowed(['debug', 'info', 'warn', 'error'])
param logLevel string = 'info'

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
// The task hub name is the one host.json gives the durable extension.
var taskHubName = 'meshgraph'
var eventHubName = 'meshgraph-events'
var hotConsumerGroup = 'hot'
var useScheduler = durableBackend == 'DurableTaskScheduler'
var elasticsearchSecretName = 'elasticsearch-api-key'
var hotDeploymentContainer = 'app-package-hot-${resourceToken}'
var coldDeploymentContainer = 'app-package-cold-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module hotIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'hot-identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}hot-${resourceToken}'
    location: location
    tags: tags
  }
}

module coldIdentity 'br/public:avm/res/managed-identity/user-assigned-identity:0.4.1' = {
  name: 'cold-identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}cold-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'br/public:avm/ptn/azd/monitoring:0.1.0' = {
  name: 'monitoring'
  scope: rg
  params: {
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    containers: [hotDeploymentContainer, coldDeploymentContainer]
    // The dead-letter store's table (adapters/deadletter/table.ts).
    tables: ['meshgraphdeadletters']
  }
}

module eventHubs 'core/messaging/event-hubs.bicep' = {
  name: 'event-hubs'
  scope: rg
  params: {
    name: '${abbrs.eventHubNamespaces}${resourceToken}'
    location: location
    tags: tags
    eventHubName: eventHubName
    partitionCount: eventHubPartitionCount
    consumerGroup: hotConsumerGroup
  }
}

module vault 'core/security/vault.bicep' = {
  name: 'vault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    secretName: elasticsearchSecretName
    secretValue: elasticsearchApiKey
  }
}

module scheduler 'core/durable/scheduler.bicep' = if (useScheduler) {
  name: 'durable-task-scheduler'
  scope: rg
  params: {
    name: '${abbrs.durableTaskSchedulers}${resourceToken}'
    location: location
    tags: tags
    skuName: durableTaskSchedulerSku
    taskHubName: taskHubName
  }
}

var schedulerEndpoint = useScheduler ? scheduler.outputs.endpoint : ''

module hotAccess 'app/rbac.bicep' = {
  name: 'hot-rbac'
  scope: rg
  params: {
    principalId: hotIdentity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    eventHubNamespaceName: eventHubs.outputs.namespaceName
    schedulerName: useScheduler ? scheduler.outputs.name : ''
  }
}

module coldAccess 'app/rbac.bicep' = {
  name: 'cold-rbac'
  scope: rg
  params: {
    principalId: coldIdentity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    // The cold app neither reads nor publishes events.
    eventHubNamespaceName: ''
    schedulerName: useScheduler ? scheduler.outputs.name : ''
  }
}

module cold 'app/cold.bicep' = {
  name: 'cold-app'
  scope: rg
  params: {
    name: '${abbrs.webSitesFunctions}cold-${resourceToken}'
    planName: '${abbrs.webServerFarms}cold-${resourceToken}'
    location: location
    tags: tags
    identityResourceId: coldIdentity.outputs.resourceId
    identityClientId: coldIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: coldDeploymentContainer
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    keyVaultName: vault.outputs.name
    elasticsearchSecretName: elasticsearchSecretName
    elasticsearchUrl: elasticsearchUrl
    schedulerEndpoint: schedulerEndpoint
    logLevel: logLevel
    // The hot app is deployed after the cold one (it links to it), so its address is spelled
    // out here: a Flex Consumption app answers on <name>.azurewebsites.net.
    hotApiBaseUrl: 'https://${abbrs.webSitesFunctions}hot-${resourceToken}.azurewebsites.net/api'
  }
  dependsOn: [coldAccess]
}

module hot 'app/hot.bicep' = {
  name: 'hot-app'
  scope: rg
  params: {
    name: '${abbrs.webSitesFunctions}hot-${resourceToken}'
    planName: '${abbrs.webServerFarms}hot-${resourceToken}'
    location: location
    tags: tags
    identityResourceId: hotIdentity.outputs.resourceId
    identityClientId: hotIdentity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: hotDeploymentContainer
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    keyVaultName: vault.outputs.name
    elasticsearchSecretName: elasticsearchSecretName
    elasticsearchUrl: elasticsearchUrl
    schedulerEndpoint: schedulerEndpoint
    logLevel: logLevel
    eventHubsNamespaceFqdn: eventHubs.outputs.fullyQualifiedNamespace
    eventHubName: eventHubName
    consumerGroup: hotConsumerGroup
    alwaysReadyInstances: hotAlwaysReadyInstances
    coldApiBaseUrl: cold.outputs.apiBaseUrl
  }
  dependsOn: [hotAccess]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_HOT_NAME string = hot.outputs.name
output SERVICE_COLD_NAME string = cold.outputs.name
output HOT_API_URL string = hot.outputs.apiBaseUrl
output COLD_API_URL string = cold.outputs.apiBaseUrl
output EVENT_HUBS_NAMESPACE_FQDN string = eventHubs.outputs.fullyQualifiedNamespace
output EVENT_HUB_NAME string = eventHubName
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output DURABLE_BACKEND string = durableBackend
