// Durable Task Scheduler: the managed durable backend, an alternative to the storage account.
// Its task hub carries the name host.json gives the durable extension.
param name string
param location string
param tags object
@allowed(['Consumption', 'Dedicated'])
param skuName string
param taskHubName string

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    // Dedicated is bought in capacity units; one is the smallest.
    sku: skuName == 'Dedicated' ? { name: skuName, capacity: 1 } : { name: skuName }
    // An empty list denies every caller; access is still by Entra ID and RBAC only.
    ipAllowlist: ['0.0.0.0/0']
  }
}

resource taskHub 'Microsoft.DurableTask/schedulers/taskHubs@2025-11-01' = {
  parent: scheduler
  name: taskHubName
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint
