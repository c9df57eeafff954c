# Partial configuration: the settings live in backend.hcl, passed at init time:
#   terraform init -input=false -backend-config=backend.hcl
# Authentication uses the same ARM_* environment variables as the provider.
terraform {
  backend "azurerm" {}
}
