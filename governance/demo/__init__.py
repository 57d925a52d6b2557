"""Demo data (``manage.py seed_demo``) and the benchmark's load data (``manage.py
generate_load_data``): commands that fill a database through every app's services, so they
stand above all of them."""
