# Local stand-in for the Azure resource group: same name/location/tags shape as the
# resource_group module. triggers_replace makes a name change a replacement (delete +
# create), exactly like renaming a real azurerm_resource_group; other input changes are
# updates in place.
resource "terraform_data" "resource_group" {
  triggers_replace = [var.resource_group_name]

  input = {
    name     = var.resource_group_name
    location = "local"
    tags = {
      environment = var.environment
      project     = "qts-observer"
    }
  }
}

# Where the pipeline deploys. Any change here is an update in place.
resource "terraform_data" "deployment_target" {
  input = {
    environment     = var.environment
    docker_host     = var.docker_host
    compose_project = var.compose_project
    health_url      = var.health_url
  }
}
