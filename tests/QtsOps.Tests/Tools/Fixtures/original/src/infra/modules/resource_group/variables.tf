variable "name" {
  type = string
}

variable "location" {
  type = string
}
