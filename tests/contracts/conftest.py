"""The contract suites share the voice fixtures (synthetic speech)."""

from tests.voice.conftest import speak_wav

__all__ = ["speak_wav"]
