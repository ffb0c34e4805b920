"""Privacy at the door: pseudonyms, BSN checks and disclosure control."""
