"""What the volunteer API reads and answers, one module per router."""
