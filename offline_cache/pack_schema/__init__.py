"""The JSON Schemas every content pack's ``data/<stem>.json`` is checked against.

A package so the schemas are package data, reached with
``importlib.resources.files("offline_cache.pack_schema")`` wherever the program is installed.
"""
