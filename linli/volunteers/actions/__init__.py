"""Every write to volunteers and their training goes through these modules' functions (teams:
`linli.teams.actions`)."""
