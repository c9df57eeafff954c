output "resource_group_id" { value = module.environment.resource_group_id }
output "deployment_target" { value = module.environment.deployment_target }
