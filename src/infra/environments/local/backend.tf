# Partial configuration: the pipeline passes the state path at init time so the state lives
# outside the source tree and survives `clean`:
#   terraform init -input=false -backend-config=path=<repo>/.qtsops/terraform/local/terraform.tfstate
# Without -backend-config, Terraform would write terraform.tfstate into this directory.
terraform {
  backend "local" {}
}
