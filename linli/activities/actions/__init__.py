"""Every write to activities, sign-ups and attendance goes through these modules' functions."""
