locals {
  tags = merge(var.tags, {
    environment = var.environment
    project     = "qts-observer"
  })
}

resource "azurerm_resource_group" "this" {
  name     = var.name
  location = var.location
  tags     = local.tags
}
