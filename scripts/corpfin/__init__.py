"""corpfin: pure library for the Xiaomi profit-model pipeline."""
