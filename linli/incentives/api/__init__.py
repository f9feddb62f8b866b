"""The incentives API (SPEC §7.2): a volunteer's points and time bank beside the volunteer
routes, the 爱心超市 at /shop, the time bank's moves at /timebank, honours at /honours."""
