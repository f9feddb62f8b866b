"""The service request forms: the staff and request pages' (requests), and the resident's
(public)."""
