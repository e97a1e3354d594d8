// The event hub that sources publish to, with the hot app's own consumer group. Standard tier:
// Basic has only $Default and one-day retention. Local (SAS) auth is off: identities only.
param name string
param location string
param tags object
param eventHubName string
param partitionCount int
param consumerGroup string

module namespace 'br/public:avm/res/event-hub/namespace:0.15.0' = {
  name: 'event-hubs-namespace'
  params: {
    name: name
    location: location
    tags: tags
    skuName: 'Standard'
    skuCapacity: 1
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    eventhubs: [
      {
        name: eventHubName
        partitionCount: partitionCount
        messageRetentionInDays: 7
        consumergroups: [{ name: consumerGroup }]
      }
    ]
  }
}

output namespaceName string = namespace.outputs.name
// Event Hubs host names end in servicebus.windows.net in the public cloud.
output fullyQualifiedNamespace string = '${namespace.outputs.name}.servicebus.windows.net'
