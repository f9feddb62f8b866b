"""The activity pages, one module per part: the activities themselves (list, page, sign-up,
roster, life), check-in, and hours."""
