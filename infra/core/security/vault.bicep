// Key Vault for the one secret the apps need: the Elasticsearch API key. RBAC only (no access
// policies). The apps read it through a Key Vault reference in their settings, so the value is
// in no app setting, output or file.
param name string
param location string
param tags object
param secretName string
@secure()
@minLength(1)
param secretValue string

module vault 'br/public:avm/res/key-vault/vault:0.12.1' = {
  name: 'key-vault'
  params: {
    name: name
    location: location
    tags: tags
    sku: 'standard'
    enableRbacAuthorization: true
    enablePurgeProtection: false
  }
}

resource created 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: name
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: created
  name: secretName
  properties: { value: secretValue }
  dependsOn: [vault]
}

output name string = vault.outputs.name
