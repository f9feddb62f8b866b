"""The registry's pages: residents and households, their cards (residents), and Excel (xlsx)."""
