# Credentials come ONLY from the environment, never from this file:
#   ARM_SUBSCRIPTION_ID, ARM_TENANT_ID, ARM_CLIENT_ID, ARM_CLIENT_SECRET
# Never write the subscription, tenant or client ID or the client secret here (nor in any
# *.tf / *.tfvars file): the pipeline's validate target rejects hard-coded IDs/secrets.
#
# With azurerm 4.x, `features {}` keeps the provider default
# resource_group.prevent_deletion_if_contains_resources = true, so Terraform refuses to
# delete a resource group that still holds resources (e.g. the state storage account).
provider "azurerm" {
  features {}
}
