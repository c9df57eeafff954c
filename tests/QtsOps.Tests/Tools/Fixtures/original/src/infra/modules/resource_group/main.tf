resource "azurerm_resource_group" "this" {
  name     = var.name
  location = var.location

  tags = {
    environment = "test"
    project     = "qts-observer"
  }
}
