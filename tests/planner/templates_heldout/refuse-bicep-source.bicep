param location string = resourceGroup().location
resource gal 'Microsoft.Compute/galleries@2023-07-03' = {
  name: 'g1'
  location: location
}
