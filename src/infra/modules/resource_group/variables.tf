variable "name" {
  description = "Name of the Azure resource group."
  type        = string

  validation {
    condition     = can(regex("^[-\\w\\._\\(\\)]{1,90}$", var.name)) && !endswith(var.name, ".")
    error_message = "name must be 1-90 characters of letters, digits, '-', '_', '.', '(' or ')', and must not end with '.'."
  }
}

variable "location" {
  description = "Azure region of the resource group, e.g. \"Korea South\"."
  type        = string

  validation {
    condition     = length(trimspace(var.location)) > 0
    error_message = "location must not be empty."
  }
}

variable "environment" {
  description = "Deployment environment; written to the `environment` tag."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,31}$", var.environment))
    error_message = "environment must be lower-case letters, digits or '-', starting with a letter (e.g. \"staging\", \"prod\")."
  }
}

variable "tags" {
  description = "Extra tags. `environment` and `project = \"qts-observer\"` are always set and win over keys of the same name."
  type        = map(string)
  default     = {}
}
