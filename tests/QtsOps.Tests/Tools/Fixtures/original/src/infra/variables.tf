variable "resource_group_name" {
  type    = string
  default = "rg-observer-test"
}

variable "location" {
  type    = string
  default = "Korea South"
}

variable "admin_password" {
  type      = string
  sensitive = true
  default   = null
}
