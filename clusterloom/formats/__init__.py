"""Date formats that Django's defaults get wrong for a European audience (FORMAT_MODULE_PATH)."""
