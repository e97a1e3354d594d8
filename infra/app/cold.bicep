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
param schedulerEndpoint string
@description('Base URL of the hot app (…/api): where the admin dead-letter replay sends events.')
param hotApiBaseUrl string
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
    schedulerEndpoint: schedulerEndpoint
    logLevel: logLevel
  }
}

var coldSettings = {
  HOT_API_BASE_URL: hotApiBaseUrl
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
    // The settings it shares with the hot app, and where replayed dead letters go.
    appSettings: union(shared.outputs.settings, coldSettings)
    alwaysReady: []
    maximumInstanceCount: 40
  }
}

output name string = app.outputs.name
output apiBaseUrl string = app.outputs.apiBaseUrl
