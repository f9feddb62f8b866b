"""Every write of the day-care centres: one module per part, one function per action.

`members` (application, assessment, agreement, leaving, the desk's admit), `attendance` (card,
roster, by hand), `care` (care plans, care sessions and their ledger hours), `centres` (the centre,
its caregivers' list, equipment and loans). Each function is keyword-only, takes the acting user,
runs in one transaction, asks the centre's gate and writes an audit row.
"""
