# Inputs of this root, passed to modules/azure_environment, which describes and checks them;
# null (not set) takes the module's default.
variable "resource_group_name" { default = null }
variable "location" { default = null }
variable "docker_host" { default = null }
variable "compose_project" { default = null }
variable "health_url" { default = null }

variable "tags" {
  type    = map(string)
  default = null
}

variable "admin_password" {
  sensitive = true
  default   = null
}
