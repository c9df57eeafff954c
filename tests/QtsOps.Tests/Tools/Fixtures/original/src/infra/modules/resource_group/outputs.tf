output "id" {
  value = azurerm_resource_group.this.id
}
