"""The volunteer routers of the API, one module per part: registration and decisions, the list.
`linli.api` mounts them."""
