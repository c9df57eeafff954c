# staging is the shared Azure environment (modules/azure_environment) with staging's values; the
# variables and outputs of this root only pass on what terraform.tfvars, TF_VAR_ and the
# pipeline give (descriptions, defaults and checks are the module's).
module "environment" {
  source = "../../modules/azure_environment"

  environment = "staging"

  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
  admin_password      = var.admin_password
  docker_host         = var.docker_host
  compose_project     = var.compose_project
  health_url          = var.health_url
}
