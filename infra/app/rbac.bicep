// What one app's identity may do, data plane only, each role at the narrowest scope that works.
// Every app: storage (host, durable backend on AzureStorage, dead letters) and the Elasticsearch
// key. Only apps given a namespace: Event Hubs (trigger and ingest endpoint). Only with a
// scheduler: the Durable Task Scheduler.
param principalId string
param storageAccountName string
param keyVaultName string
@description('Empty for an app that neither reads nor publishes events.')
param eventHubNamespaceName string
@description('Empty when the durable backend is the storage account.')
param schedulerName string

var roles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
  eventHubsDataReceiver: 'a638d3c7-ab3a-418d-83e6-5f17a39d4fde' // Azure Event Hubs Data Receiver
  eventHubsDataSender: '2b629674-e913-4c01-ae53-ef4638d8f975' // Azure Event Hubs Data Sender
  durableTaskDataContributor: '0ad04412-c4d5-4796-b79c-f76d14c8d402' // Durable Task Data Contributor
}
var storageRoles = [roles.storageBlobDataContributor, roles.storageQueueDataContributor, roles.storageTableDataContributor]
var eventHubRoles = [roles.eventHubsDataReceiver, roles.eventHubsDataSender]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource namespace 'Microsoft.EventHub/namespaces@2024-01-01' existing = if (!empty(eventHubNamespaceName)) {
  name: eventHubNamespaceName
}

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' existing = if (!empty(schedulerName)) {
  name: schedulerName
}

resource storageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: {
  name: guid(storage.id, principalId, role)
  scope: storage
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource secretsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource eventHubAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in eventHubRoles: if (!empty(eventHubNamespaceName)) {
  name: guid(namespace.id, principalId, role)
  scope: namespace
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource schedulerAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(schedulerName)) {
  name: guid(scheduler.id, principalId, roles.durableTaskDataContributor)
  scope: scheduler
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.durableTaskDataContributor)
  }
}
