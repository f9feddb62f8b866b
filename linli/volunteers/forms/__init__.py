"""The volunteer forms, one module per part: registration and records, training."""
