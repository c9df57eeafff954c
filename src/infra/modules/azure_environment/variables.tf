# A root passes null for what its user did not set: nullable = false makes that the default here.

variable "environment" {
  description = "The Azure environment the calling root module deploys: \"staging\" or \"prod\"."
  type        = string

  validation {
    condition     = contains(["staging", "prod"], var.environment)
    error_message = "environment must be \"staging\" or \"prod\" (environments/local models this machine without Azure)."
  }
}

variable "resource_group_name" {
  description = "Name of the Azure resource group to manage."
  type        = string
  default     = "rg-observer-test"
  nullable    = false

  validation {
    condition     = can(regex("^[-\\w\\._\\(\\)]{1,90}$", var.resource_group_name)) && !endswith(var.resource_group_name, ".")
    error_message = "resource_group_name must be 1-90 characters of letters, digits, '-', '_', '.', '(' or ')', and must not end with '.'."
  }
}

variable "location" {
  description = "Azure region of the resource group."
  type        = string
  default     = "Korea South"
  nullable    = false

  validation {
    condition     = length(trimspace(var.location)) > 0
    error_message = "location must not be empty."
  }
}

variable "tags" {
  description = "Extra tags for the resource group; environment and project = \"qts-observer\" are always added."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "admin_password" {
  description = "Admin password reserved for the VM module (not used by any resource yet). Never put it in a file: set it only through the TF_VAR_admin_password environment variable."
  type        = string
  sensitive   = true
  default     = null

  # Deliberately no validation block: Terraform 1.11 prints the offending value of the
  # variable in a failed validation's diagnostic even when the variable is sensitive.
}

variable "docker_host" {
  description = "Docker engine of the deployment host (DOCKER_HOST form, e.g. \"ssh://qts@host\" or \"tcp://host:2376\"). Set per environment; empty means not provisioned yet, and the pipeline must refuse to deploy."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = var.docker_host == "" || can(regex("^(unix|tcp|ssh|npipe)://.+", var.docker_host))
    error_message = "docker_host must be empty or start with unix://, tcp://, ssh:// or npipe://."
  }
}

variable "compose_project" {
  description = "Docker Compose project name used on the deployment host."
  type        = string
  default     = "qts-observer"
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*$", var.compose_project))
    error_message = "compose_project must be lower-case letters, digits, '-' or '_', starting with a letter or digit."
  }
}

variable "health_url" {
  description = "URL of the service's /health endpoint. Set per environment; empty means not known yet."
  type        = string
  default     = ""
  nullable    = false

  validation {
    condition     = var.health_url == "" || can(regex("^https?://.+", var.health_url))
    error_message = "health_url must be empty or start with http:// or https://."
  }
}
