"""``kiosk.sync.setup.build_agent``: the one agent the kiosk app and ``kiosk-admin sync`` run."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.audit import AuditLog
from kiosk.config import load_config
from kiosk.content import load_pack
from kiosk.sync.hooks import SyncPackPuller
from kiosk.sync.setup import SyncSetupError, build_agent
from offline_cache import BUNDLED_PACK_DIR
from offline_cache.outbox import Outbox
from tests.sync.conftest import terminal_config
from tools.provincial_sim.keys import KeyFiles

# A configured pack key: only whether there is one matters here (nothing is downloaded).
SOME_KEY = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="


def test_without_terminal_credentials_no_agent_is_built_and_the_setting_is_named(
    outbox: Outbox, tmp_path: Path
) -> None:
    config = load_config(None, env={}, overrides={"paths.data_dir": str(tmp_path)})
    with pytest.raises(SyncSetupError, match=r"provincial\.credentials_file"):
        build_agent(config, outbox.store, outbox, pack=None, audit=None)


def test_the_agent_pulls_signed_packs_and_follows_bookings_like_the_app(
    keys: KeyFiles, outbox: Outbox, tmp_path: Path
) -> None:
    config = terminal_config(keys, tmp_path, **{"packs.trusted_keys": [SOME_KEY]})
    agent = build_agent(
        config,
        outbox.store,
        outbox,
        pack=load_pack(BUNDLED_PACK_DIR),
        audit=AuditLog(outbox.store),
        batch_size=7,
    )
    assert isinstance(agent.pack_puller, SyncPackPuller)
    # The home-visit bookings follow-up, then the health report (always last).
    assert len(agent.after_run) == 2
    assert agent.batch_size == 7


def test_no_pack_is_pulled_when_told_not_to_or_when_no_key_could_trust_it(
    keys: KeyFiles, outbox: Outbox, tmp_path: Path
) -> None:
    trusting = terminal_config(keys, tmp_path, **{"packs.trusted_keys": [SOME_KEY]})
    told_not_to = build_agent(
        trusting, outbox.store, outbox, pack=None, audit=None, pull_packs=False
    )
    no_keys = build_agent(
        terminal_config(keys, tmp_path), outbox.store, outbox, pack=None, audit=None
    )
    assert told_not_to.pack_puller is None and no_keys.pack_puller is None
    # No pack served: nothing could have been booked; only the health report follows a run.
    assert len(told_not_to.after_run) == 1
