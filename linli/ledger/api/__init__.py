"""The ledger's routers of the API: a volunteer's hours and certificate (hours), and the public
verification of a certificate (public). `linli.api` mounts them."""
