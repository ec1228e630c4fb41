"""The service: tarjama's pipeline behind LibreTranslate's HTTP API (`app.py`), with dynamic batching."""
