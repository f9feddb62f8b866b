"""The day-care pages, one module per part: `centres` (list, centre, attendance figures,
caregivers), `roster` (the day's check-in page), `members`, `equipment`."""
