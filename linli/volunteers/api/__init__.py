"""The volunteer routers of the API, one module per part: registration and decisions, the list,
teams. `linli.api` mounts them."""
