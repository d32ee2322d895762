"""GCP pricers: one module per Pulumi type token (see pricing/registry.py)."""
