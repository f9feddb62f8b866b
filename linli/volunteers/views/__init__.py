"""The volunteer pages, one module per part: registration and profile, the list, the card, Excel,
training."""
