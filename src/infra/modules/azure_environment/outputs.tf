output "resource_group_id" {
  description = "Azure resource ID of the resource group."
  value       = module.resource_group.id
}

output "deployment_target" {
  description = "Where the pipeline deploys: {environment, docker_host, compose_project, health_url}. Same shape in every environment."
  value = {
    environment     = var.environment
    docker_host     = var.docker_host
    compose_project = var.compose_project
    health_url      = var.health_url
  }
}
