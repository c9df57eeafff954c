# Remote state for the prod environment (partial backend configuration).
# Used as: terraform init -input=false -backend-config=backend.hcl
# Same storage account and container for every Azure environment; the key keeps the
# state files apart: <env>/terraform.tfstate.
resource_group_name  = "rg-observer-test"
storage_account_name = "observerstorage"
container_name       = "tfstate"
key                  = "prod/terraform.tfstate"
