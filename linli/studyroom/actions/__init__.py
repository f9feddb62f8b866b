"""Every write of the study room: one module per part, one function per action.

`rooms` (the room and its day's times), `pupils` (enrolment with the guardian's consent,
guardians, health notes, leaving, the retention sweep), `day` (the noon check-in, the pick-up by a
listed guardian, the still-in alert), `rota` (tutors' shifts and their hours in the ledger),
`classes` (interest classes, enrolment, attendance). Each function is keyword-only, takes the
acting user (None is the system), runs in one transaction, asks the room's gate and writes an
audit row.
"""
