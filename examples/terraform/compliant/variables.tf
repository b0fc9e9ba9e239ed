variable "primary_region" {
  type        = string
  description = "Region holding the patient data."
}

variable "dr_region" {
  type        = string
  description = "Disaster-recovery region for replicas and backup copies."
  default     = "eu-central-1"
}

variable "environment" {
  type    = string
  default = "prod"
}
