"""Why a pack was refused: :class:`PackRefused`, defined with the pack store (see there).

Named here too so code working with packs finds it beside the rest of :mod:`kiosk.packs`.
"""

from offline_cache.pack_errors import PackRefused

__all__ = ["PackRefused"]
