"""Kivy screens: one ``<name>.py`` + ``<name>.kv`` per screen, and ``flow`` deciding what follows.

Only this package imports Kivy. Screens receive their collaborators as arguments and report an
outcome; they never look services up through ``App.get_running_app()``.
"""
