"""Ho Chi Minh City demo data (dữ liệu trình diễn) loaded by ``manage.py load_demo``.

The data modules are plain Python so they can be read and reviewed like a
document: ``agencies`` (the city's bodies after the 1 July 2025 merger),
``procedures`` (administrative procedures with real national codes where they
could be checked), ``accounts`` (one demo login per role). ``loader`` turns
them into calls to the apps' services.
"""
