"""The service menu and service request routers of the API (requests), the actions on one request
(actions) and what they answer (output). `linli.api` mounts them."""
