// One Node 20 function app on its own Flex Consumption plan (a plan holds one app), running as a
// user-assigned identity: it pulls its package from a blob container with that identity and
// resolves Key Vault references with it too.
param name string
param planName string
param location string
param tags object
@description('The azure.yaml service this app hosts (azd finds the app by its azd-service-name tag).')
param serviceName string
param identityResourceId string
param storageAccountName string
param deploymentContainerName string
param appSettings object
@description('Warm instances per trigger group or function: [{ name: \'http\' | \'function:<name>\', instanceCount }]; empty scales to zero.')
param alwaysReady array
param maximumInstanceCount int
param instanceMemoryMB int = 2048

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

module plan 'br/public:avm/res/web/serverfarm:0.1.1' = {
  name: '${serviceName}-plan'
  params: {
    name: planName
    location: location
    tags: tags
    sku: { name: 'FC1', tier: 'FlexConsumption' }
    reserved: true
  }
}

module app 'br/public:avm/res/web/site:0.9.0' = {
  name: '${serviceName}-function-app'
  params: {
    kind: 'functionapp,linux'
    name: name
    location: location
    tags: union(tags, { 'azd-service-name': serviceName })
    serverFarmResourceId: plan.outputs.resourceId
    managedIdentities: { userAssignedResourceIds: [identityResourceId] }
    keyVaultAccessIdentityResourceId: identityResourceId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityResourceId }
        }
      }
      scaleAndConcurrency: {
        alwaysReady: alwaysReady
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'node', version: '20' }
    }
    siteConfig: { alwaysOn: false, minTlsVersion: '1.2' }
    appSettingsKeyValuePairs: appSettings
  }
}

output name string = app.outputs.name
// host.json routes HTTP functions under /api.
output apiBaseUrl string = 'https://${app.outputs.defaultHostname}/api'
