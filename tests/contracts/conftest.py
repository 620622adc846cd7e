"""The contract suites reuse the voice fixtures (synthetic speech), the sync fixtures (keys, an
outbox, the provincial-system simulator) and the pack fixtures (signed packs)."""

from tests.packs.conftest import bureau, data_dir, make_pack, sign_pack
from tests.speech.conftest import speak_wav
from tests.sync.conftest import keys, outbox, start_sim

__all__ = [
    "bureau",
    "data_dir",
    "keys",
    "make_pack",
    "outbox",
    "sign_pack",
    "speak_wav",
    "start_sim",
]
