"""Handwritten Chinese characters: the :class:`HandwritingRecognizer` Protocol and a small ctypes
binding to zinnia (Debian ``libzinnia0``) with the tegaki Simplified Chinese model.

Ink is what a writing pad records: the pad's size and each stroke's points in order, ``y``
growing downwards. zinnia ranks characters by an SVM score, best first; stroke order matters
to it, so a screen shows several candidates. When the library or the model is missing,
:func:`load_recognizer` returns a stand-in that says why (the UI hides the pad and the admin
screen shows the reason) instead of raising.

The recognizer is safe to call from one worker thread while the Kivy thread draws: each call
takes a lock, and a classify costs tens of milliseconds on the terminal (docs/performance.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from offline_cache.os_errors import plain_reason

DEFAULT_MODEL = Path("/usr/share/tegaki/models/zinnia/handwriting-zh_CN.model")
DEFAULT_LIBRARY = "libzinnia.so.0"

Point = tuple[int, int]
Stroke = tuple[Point, ...]


class InkError(ValueError):
    """A strokes file that isn't ``{"width": W, "height": H, "strokes": [[[x, y], ...], ...]}``."""


@dataclass(frozen=True)
class Ink:
    """What was written on a pad of ``width`` × ``height``: strokes in writing order."""

    width: int
    height: int
    strokes: tuple[Stroke, ...]

    @classmethod
    def from_json(cls, data: Any) -> Ink:
        """From the strokes-file shape; every problem is an :class:`InkError` in plain words."""
        if not isinstance(data, dict):
            raise InkError("笔画文件格式不对：应当写明写字板的宽、高和各笔画。")
        width, height, strokes = data.get("width"), data.get("height"), data.get("strokes")
        if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
            raise InkError("笔画文件格式不对：写字板的宽和高应当是正整数。")
        if not isinstance(strokes, list):
            raise InkError("笔画文件格式不对：笔画应当是一个列表。")
        parsed: list[Stroke] = []
        for stroke in strokes:
            if not isinstance(stroke, list) or not stroke:
                raise InkError("笔画文件格式不对：每一笔至少要有一个点。")
            points: list[Point] = []
            for point in stroke:
                if (
                    not isinstance(point, list)
                    or len(point) != 2
                    or not all(
                        isinstance(v, int | float) and not isinstance(v, bool) for v in point
                    )
                ):
                    raise InkError("笔画文件格式不对：每个点应当是横、纵两个坐标。")
                points.append((round(point[0]), round(point[1])))
            parsed.append(tuple(points))
        return cls(width, height, tuple(parsed))

    @classmethod
    def load(cls, path: Path) -> Ink:
        """Read a strokes file (UTF-8 JSON)."""
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except OSError as exc:
            raise InkError(f"读不到笔画文件 {path}：{plain_reason(exc)}") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise InkError(f"{path} 不是有效的 JSON 文件。") from None

    def to_json(self) -> dict[str, Any]:
        return {
            "width": self.width,
            "height": self.height,
            "strokes": [[list(p) for p in stroke] for stroke in self.strokes],
        }


@dataclass(frozen=True)
class Candidate:
    """One character the recognizer proposes, with its score (higher is better)."""

    char: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"char": self.char, "score": round(self.score, 4)}


class HandwritingRecognizer(Protocol):
    """Turns ink into candidate characters, best first."""

    @property
    def unavailable_reason(self) -> str | None:
        """Why handwriting can't be offered (plain Chinese), or ``None`` when it can."""
        ...

    def recognize(self, ink: Ink, top: int = 10) -> list[Candidate]:
        """Up to ``top`` candidates, best first; none for empty ink."""
        ...

    def close(self) -> None:
        """Free the model."""
        ...


class RecognizerUnavailable(Exception):
    """zinnia or its model can't be used; ``str()`` is the plain reason."""


NO_LIBRARY = "没有安装手写识别程序库，手写输入暂时不能用（请技术人员重新安装本机软件）。"
NO_MODEL = "找不到手写识别的字库文件 {path}，手写输入暂时不能用（请技术人员重新安装本机软件）。"
BAD_MODEL = "手写识别的字库文件 {path} 打不开或已损坏，手写输入暂时不能用。"


def _bind(library: str) -> ctypes.CDLL:
    # The default soname, else whatever zinnia the system has (another distribution may ship
    # another soname); a library named explicitly is used or reported missing, never swapped.
    candidates = [library]
    if library == DEFAULT_LIBRARY and (found := ctypes.util.find_library("zinnia")):
        candidates.append(found)
    for name in candidates:
        try:
            lib = ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        raise RecognizerUnavailable(NO_LIBRARY)
    vp, size = ctypes.c_void_p, ctypes.c_size_t
    signatures: dict[str, tuple[list[Any], Any]] = {
        "zinnia_recognizer_new": ([], vp),
        "zinnia_recognizer_destroy": ([vp], None),
        "zinnia_recognizer_open": ([vp, ctypes.c_char_p], ctypes.c_int),
        "zinnia_recognizer_classify": ([vp, vp, size], vp),
        "zinnia_character_new": ([], vp),
        "zinnia_character_destroy": ([vp], None),
        "zinnia_character_set_width": ([vp, size], None),
        "zinnia_character_set_height": ([vp, size], None),
        "zinnia_character_add": ([vp, size, ctypes.c_int, ctypes.c_int], ctypes.c_int),
        "zinnia_result_value": ([vp, size], ctypes.c_char_p),
        "zinnia_result_score": ([vp, size], ctypes.c_float),
        "zinnia_result_size": ([vp], size),
        "zinnia_result_destroy": ([vp], None),
    }
    try:
        for name, (argtypes, restype) in signatures.items():
            function = getattr(lib, name)
            function.argtypes = argtypes
            function.restype = restype
    except AttributeError:
        raise RecognizerUnavailable(NO_LIBRARY) from None
    return lib


class ZinniaRecognizer:
    """zinnia through ctypes. Open with :meth:`open`; :func:`load_recognizer` never raises."""

    def __init__(self, lib: ctypes.CDLL, handle: int) -> None:
        self._lib = lib
        self._handle: int | None = handle
        self._lock = threading.Lock()

    @classmethod
    def open(cls, model: Path = DEFAULT_MODEL, library: str = DEFAULT_LIBRARY) -> ZinniaRecognizer:
        """Load the library and the model (≈ 50 ms for the 26 MB model: do it off the Kivy thread)."""
        lib = _bind(library)
        if not model.is_file():
            raise RecognizerUnavailable(NO_MODEL.format(path=model))
        handle = lib.zinnia_recognizer_new()
        if not lib.zinnia_recognizer_open(handle, str(model).encode()):
            lib.zinnia_recognizer_destroy(handle)
            raise RecognizerUnavailable(BAD_MODEL.format(path=model))
        return cls(lib, handle)

    @property
    def unavailable_reason(self) -> str | None:
        return None

    def recognize(self, ink: Ink, top: int = 10) -> list[Candidate]:
        """Classify ``ink``; candidates best first."""
        if not ink.strokes or top < 1:
            return []
        lib = self._lib
        with self._lock:
            if self._handle is None:
                return []
            character = lib.zinnia_character_new()
            try:
                lib.zinnia_character_set_width(character, ink.width)
                lib.zinnia_character_set_height(character, ink.height)
                for index, stroke in enumerate(ink.strokes):
                    for x, y in stroke:
                        lib.zinnia_character_add(character, index, x, y)
                result = lib.zinnia_recognizer_classify(self._handle, character, top)
                if not result:
                    return []
                try:
                    return [
                        Candidate(
                            lib.zinnia_result_value(result, i).decode("utf-8"),
                            float(lib.zinnia_result_score(result, i)),
                        )
                        for i in range(lib.zinnia_result_size(result))
                    ]
                finally:
                    lib.zinnia_result_destroy(result)
            finally:
                lib.zinnia_character_destroy(character)

    def close(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._lib.zinnia_recognizer_destroy(self._handle)
                self._handle = None


def load_recognizer(
    model: Path = DEFAULT_MODEL, library: str = DEFAULT_LIBRARY
) -> HandwritingRecognizer:
    """zinnia with ``model``, or a stand-in whose ``unavailable_reason`` says what is missing."""
    from kiosk.devices.stand_ins import UnavailableRecognizer

    try:
        return ZinniaRecognizer.open(model, library)
    except RecognizerUnavailable as exc:
        return UnavailableRecognizer(str(exc))
