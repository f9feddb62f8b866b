"""The canteen's pages, one module per audience: the resident's order page (`resident`), the
counter and today's board (`counter`), the week's menus (`menus`), the canteen's order list and
phone orders (`orders`), subsidy tiers (`tiers`), delivery tasks (`deliveries`) and the monthly
settlement (`settlement`). Every check goes through `linli.canteen.access`, every write through
`linli.canteen.actions`."""
