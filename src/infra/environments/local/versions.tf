# Only Terraform's builtin provider (terraform.io/builtin/terraform, which supplies
# terraform_data) is used here, so `terraform init` downloads nothing and works offline.
terraform {
  required_version = ">= 1.5"
}
