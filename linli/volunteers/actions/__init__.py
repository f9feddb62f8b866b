"""Every write to volunteers, teams and training goes through these modules' functions."""
