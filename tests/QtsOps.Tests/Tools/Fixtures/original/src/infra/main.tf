terraform {
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 3.0"
    }
  }

  backend "azurerm" {
    resource_group_name  = "rg-observer-test"
    storage_account_name = "observerstorage"
    container_name       = "tfstate"
    key                  = "terraform.tfstate"
  }
}

provider "azurerm" {
  features {}
  subscription_id = "5f3c6a2e-8d1b-4c7e-9a0f-2b6d8e4c1a93"
  tenant_id       = "c2a7e9d4-3b8f-4e1a-b6c5-9d0e7f2a4b81"
}

module "resource_group" {
  source = "./modules/resource_group"

  name     = var.resource_group_name
  location = var.location
}
