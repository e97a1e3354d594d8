// The cold app: rarely used queries over the actors' state (durable client, search index). It
// keeps no instance warm, so an idle deployment costs nothing here.
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
param hasElasticsearchApiKey bool
param schedulerEndpoint string
param logLevel string

module shared 'shared-settings.bicep' = {
  name: 'cold-shared-settings'
  params: {
    identityClientId: identityClientId
    storageAccountName: storageAccountName
    applicationInsightsConnectionString: applicationInsightsConnectionString
    keyVaultName: keyVaultName
    elasticsearchSecretName: elasticsearchSecretName
    elasticsearchUrl: elasticsearchUrl
    hasElasticsearchApiKey: hasElasticsearchApiKey
    schedulerEndpoint: schedulerEndpoint
    logLevel: logLevel
  }
}

module app '../core/host/flex-function.bicep' = {
  name: 'cold-flex-function'
  params: {
    name: name
    planName: planName
    location: location
    tags: tags
    serviceName: 'cold'
    identityResourceId: identityResourceId
    storageAccountName: storageAccountName
    deploymentContainerName: deploymentContainerName
    // Every setting the cold app reads is one it shares with the hot app.
    appSettings: shared.outputs.settings
    alwaysReady: []
    maximumInstanceCount: 40
  }
}

output name string = app.outputs.name
output apiBaseUrl string = app.outputs.apiBaseUrl
