// The one storage account both apps share: AzureWebJobsStorage (identity-based, so shared keys
// are off), the durable task hub when durableBackend is AzureStorage, the apps' deployment
// packages, and the dead-letter table.
param name string
param location string
param tags object
@description('Blob containers that hold the apps\' deployment packages.')
param containers string[]
@description('Tables to create up front.')
param tables string[]

module account 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage-account'
  params: {
    name: name
    location: location
    tags: tags
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
    blobServices: {
      containers: [for container in containers: { name: container }]
    }
  }
}

resource created 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: name
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: created
  name: 'default'
  dependsOn: [account]
}

resource table 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for tableName in tables: {
  parent: tableService
  name: tableName
}]

output name string = account.outputs.name
