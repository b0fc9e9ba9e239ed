provider "azurerm" {
  features {}
}

resource "azurerm_storage_account" "records" {
  name                     = "patientrecords"
  resource_group_name      = "health"
  location                 = "France Central"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
