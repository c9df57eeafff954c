module "resource_group" {
  source = "../resource_group"

  name        = var.resource_group_name
  location    = var.location
  environment = var.environment
  tags        = var.tags
}
