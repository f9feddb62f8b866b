"""The service request pages, one module per part: one request's page (requests), the dispatch
board (board), the resident's and the volunteer's pages (public), and staff's entry and menu
(staff)."""
