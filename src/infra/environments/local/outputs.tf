output "resource_group_id" {
  description = "ID of the modelled local resource group (a UUID chosen by terraform_data; it changes only on replacement)."
  value       = terraform_data.resource_group.id
}

output "deployment_target" {
  description = "Where the pipeline deploys: {environment, docker_host, compose_project, health_url}. Same shape in every environment."
  value       = terraform_data.deployment_target.output
}
