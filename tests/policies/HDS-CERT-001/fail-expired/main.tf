terraform {
  required_providers {
    clevercloud = { source = "clevercloud/clevercloud" }
  }
}

resource "clevercloud_postgresql" "records" {
  name   = "records"
  plan   = "xs_sml"
  region = "rbxhds"
}
