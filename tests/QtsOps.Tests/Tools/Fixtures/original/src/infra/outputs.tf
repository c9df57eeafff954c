output "resource_group_id" {
  value = module.resource_group.id
}
