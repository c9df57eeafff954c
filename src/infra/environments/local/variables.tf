variable "resource_group_name" {
  description = "Name of the modelled local resource group. Changing it REPLACES terraform_data.resource_group (delete + create)."
  type        = string
  default     = "rg-observer-local"

  validation {
    condition     = can(regex("^[-\\w\\._\\(\\)]{1,90}$", var.resource_group_name)) && !endswith(var.resource_group_name, ".")
    error_message = "resource_group_name must be 1-90 characters of letters, digits, '-', '_', '.', '(' or ')', and must not end with '.'."
  }
}

variable "environment" {
  description = "Environment this root module deploys. Fixed to \"local\"; declared so every environment has the same variable for it."
  type        = string
  default     = "local"

  validation {
    condition     = var.environment == "local"
    error_message = "environment must be \"local\" in environments/local (use environments/staging or environments/prod for Azure)."
  }
}

variable "docker_host" {
  description = "Docker engine to deploy to (DOCKER_HOST form). Empty: the engine of the machine running the pipeline."
  type        = string
  default     = ""

  validation {
    condition     = var.docker_host == "" || can(regex("^(unix|tcp|ssh|npipe)://.+", var.docker_host))
    error_message = "docker_host must be empty (this machine's engine) or start with unix://, tcp://, ssh:// or npipe:// (e.g. \"unix:///var/run/docker.sock\")."
  }
}

variable "compose_project" {
  description = "Docker Compose project name used for the local deployment."
  type        = string
  default     = "qts-observer"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*$", var.compose_project))
    error_message = "compose_project must be lower-case letters, digits, '-' or '_', starting with a letter or digit."
  }
}

variable "health_url" {
  description = "URL of the service's /health endpoint. Changing it updates terraform_data.deployment_target in place."
  type        = string
  default     = "http://127.0.0.1:8000/health"

  validation {
    condition     = can(regex("^https?://.+", var.health_url))
    error_message = "health_url must start with http:// or https:// (e.g. \"http://127.0.0.1:8000/health\")."
  }
}
