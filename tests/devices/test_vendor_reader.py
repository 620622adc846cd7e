"""The ctypes driver against a tiny vendor-style library compiled here with gcc.

The library follows the termb convention (InitComm/Authenticate/Read_Content/CloseComm) and,
like the real ones, drops the text block into ``wz.txt`` and the photo into ``xp.wlt`` in the
working directory; two ``Test_*`` functions let the test put a card on its "reader".
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.devices.idcard import FailureReason, IdCard, ReaderState, ReadFailure
from kiosk.devices.vendor_reader import VendorCardReader
from tests.devices.conftest import TODAY, card_data, sim_card

VENDOR_C = r"""
#include <stdio.h>
#include <string.h>
static int opened = 0, fail_read = 0;
static char card[4096] = "";
int InitComm(int port) { opened = (port == 1001); return opened; }
int CloseComm(void) { opened = 0; return 1; }
int Authenticate(void) { return opened && card[0] ? 1 : 0; }
int Read_Content(int what) {
    char text[256], photo[1024];
    FILE *f;
    if (!opened || !card[0] || fail_read == 1 || what != 1) return 0;
    if (fail_read == 2) return 1; /* says it read, writes nothing */
    if (!(f = fopen(card, "rb"))) return 0;
    if (fread(text, 1, sizeof text, f) != sizeof text) { fclose(f); return 0; }
    fclose(f);
    memset(photo, 0x42, sizeof photo);
    f = fopen("wz.txt", "wb"); fwrite(text, 1, sizeof text, f); fclose(f);
    f = fopen("xp.wlt", "wb"); fwrite(photo, 1, sizeof photo, f); fclose(f);
    return 1;
}
void Test_PlaceCard(const char *path) { strncpy(card, path, sizeof card - 1); }
void Test_FailRead(int mode) { fail_read = mode; } /* 1: read fails, 2: no file written */
"""

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("vendor")
    (folder / "termb.c").write_text(VENDOR_C)
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-o", str(folder / "libtermb.so"), str(folder / "termb.c")],
        check=True,
    )
    return folder / "libtermb.so"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def vendor(library: Path) -> Iterator[ctypes.CDLL]:
    lib = ctypes.CDLL(str(library))  # the same loaded copy the driver gets
    lib.Test_PlaceCard(b"")
    lib.Test_FailRead(0)
    yield lib
    lib.Test_PlaceCard(b"")


def _place(vendor: ctypes.CDLL, folder: Path, key: str) -> None:
    path = folder / f"{key}.bin"
    path.write_bytes(sim_card(key).text_block())
    vendor.Test_PlaceCard(str(path).encode())


def _reader(library: Path, workdir: Path, port: int = 1001) -> VendorCardReader:
    return VendorCardReader(
        library, port, output_dirs=[workdir], poll_interval_s=0.02, today=lambda: TODAY
    )


def test_a_card_is_read_through_the_vendor_library(library, workdir, vendor) -> None:  # type: ignore[no-untyped-def]
    _place(vendor, workdir.parent, "x-digit")
    card = _reader(library, workdir).read(2)
    assert isinstance(card, IdCard)
    assert card.id_number == card_data("x-digit")["id_number"] and card.name == "李秀英"


def test_the_files_the_library_leaves_are_deleted_after_the_read(library, workdir, vendor) -> None:  # type: ignore[no-untyped-def]
    _place(vendor, workdir.parent, "wang")
    assert isinstance(_reader(library, workdir).read(2), IdCard)
    assert not (workdir / "wz.txt").exists() and not (workdir / "xp.wlt").exists()


def test_a_stale_text_file_from_an_earlier_crash_is_never_read_as_this_card(
    library, workdir, vendor
) -> None:  # type: ignore[no-untyped-def]
    (workdir / "wz.txt").write_bytes(sim_card("wang").text_block())
    vendor.Test_FailRead(2)
    _place(vendor, workdir.parent, "long")
    result = _reader(library, workdir).read(2)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.UNREADABLE
    assert not (workdir / "wz.txt").exists()


def test_a_read_the_library_reports_failed_asks_to_keep_the_card_still(
    library, workdir, vendor
) -> None:  # type: ignore[no-untyped-def]
    vendor.Test_FailRead(1)
    _place(vendor, workdir.parent, "wang")
    result = _reader(library, workdir).read(2)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.CARD_REMOVED


def test_an_expired_card_through_the_vendor_library_is_refused(library, workdir, vendor) -> None:  # type: ignore[no-untyped-def]
    _place(vendor, workdir.parent, "expired")
    result = _reader(library, workdir).read(2)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.EXPIRED


def test_no_card_on_the_vendor_reader_times_out_plainly(library, workdir, vendor) -> None:  # type: ignore[no-untyped-def]
    result = _reader(library, workdir).read(0.3)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.NO_CARD


def test_a_port_the_library_cannot_open_is_an_unplugged_reader(library, workdir, vendor) -> None:  # type: ignore[no-untyped-def]
    reader = _reader(library, workdir, port=1002)
    assert reader.status().state is ReaderState.UNPLUGGED
    result = reader.read(0.3)
    assert isinstance(result, ReadFailure) and result.reason is FailureReason.UNPLUGGED


def test_a_missing_vendor_library_is_named_to_staff(tmp_path: Path) -> None:
    status = VendorCardReader(tmp_path / "libnothere.so").status()
    assert status.state is ReaderState.DRIVER_MISSING and "驱动库" in status.message
    assert status.detail == "libnothere.so"


def test_a_ready_vendor_reader_reports_ready(library, workdir, vendor) -> None:  # type: ignore[no-untyped-def]
    assert _reader(library, workdir).status().ok
