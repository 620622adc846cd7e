"""Offline voice: Vosk recognition, pyttsx3 read-aloud, homophone-tolerant matching, spoken digits.

Pure where possible; nothing here imports Kivy. Results reach the UI through callbacks that the
screens wrap in Kivy's Clock.
"""
