"""Adapters from file formats (CloudFormation/SAM, Terraform, Serverless) to engine subjects."""
