"""The content pack: every rule figure, label and spoken sentence the kiosk uses, as data.

A pack is a directory ``<pack>/manifest.json`` (written and signed by the pack tooling),
``<pack>/data/*.json`` (one file per area, each checked against the schema ``<stem>.schema.json``
of the package resource ``offline_cache.pack_schema``) and ``<pack>/assets/``. Administrators change
rules by shipping a new pack, never by changing code, so :func:`load_pack` refuses a broken pack
with one line per problem naming the file, the place inside it and what is wrong.

Besides the JSON Schema, :func:`load_pack` checks what a schema cannot: ids unique within a list,
references between entries (a threshold for a district that does not exist, a notary document
depending on a question that does not exist, a visit team serving an unknown service ...).
"""

from __future__ import annotations

import hashlib
import json
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.json_messages import decode_problem, schema_message
from offline_cache.os_errors import plain_reason
from voice.prompts import RecordedPrompts, load_recorded_prompts, recording_problems

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

# Package data declared in pyproject.toml, found wherever (and however) the program is installed.
SCHEMA_DIR: Traversable = files("offline_cache.pack_schema")

# Every data file a pack must have, in the order problems are reported.
DATA_FILES = (
    "services",
    "legal_aid",
    "notary",
    "visits",
    "knowledge",
    "hotline",
    "regions",
    "screens",
    "lexicon",  # the voice lexicon: dialect words, accent sounds, per-option phrases (docs/voice.md)
    "qa",  # 问一问: vetted questions and answers with their legal basis (docs/voice.md)
)


class PackError(Exception):
    """The pack can't be used. ``problems`` holds one line per problem: file, path, what."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        shown = "; ".join(self.problems[:5])
        more = f"（另有 {len(self.problems) - 5} 处）" if len(self.problems) > 5 else ""
        super().__init__(f"内容包有 {len(self.problems)} 处错误：{shown}{more}")


# The 是哪一种 pick-list of one exemption question: ``legal_aid.exemption_which/<question>``.
WHICH_GROUP = "legal_aid.exemption_which/"


@dataclass(frozen=True)
class Option:
    """One choice a resident can tap or say: stable id, label, what they might say instead."""

    id: str
    label: str
    synonyms: tuple[str, ...] = ()


def option_of(entry: Mapping[str, Any]) -> Option:
    return Option(
        id=str(entry["id"]),
        label=str(entry["label"]),
        synonyms=tuple(str(s) for s in entry.get("synonyms", ())),
    )


def _json_path(parts: Iterable[Any]) -> str:
    return "/" + "/".join(str(p) for p in parts)


def _schema_problems(file_label: str, data: Any, schema: dict[str, Any]) -> list[str]:
    # jsonschema takes ~0.1 s to import; a pack already known good never needs it.
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema)
    errors: list[ValidationError] = sorted(
        validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]
    )
    return [f"{file_label}: {_json_path(e.absolute_path)}: {schema_message(e)}" for e in errors]


def load_schema(stem: str, schema_dir: Traversable = SCHEMA_DIR) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(
        (schema_dir / f"{stem}.schema.json").read_text(encoding="utf-8")
    )
    return schema


class ContentPack:
    """A loaded, validated pack. Read-only; build a new one to change anything."""

    def __init__(self, directory: Path, data: dict[str, Any], manifest: dict[str, Any]) -> None:
        self.directory = directory
        self._data = data
        self.manifest = manifest

    # -- identity ------------------------------------------------------------------------------
    @property
    def version(self) -> str | None:
        value = self.manifest.get("version")
        return str(value) if value is not None else None

    @property
    def pack_id(self) -> str | None:
        value = self.manifest.get("id")
        return str(value) if value is not None else None

    @property
    def assets_dir(self) -> Path:
        return self.directory / "assets"

    def data(self, stem: str) -> Any:
        """The raw content of ``data/<stem>.json`` (already validated)."""
        return self._data[stem]

    # -- services and lists ---------------------------------------------------------------------
    def services(self) -> list[Option]:
        return [option_of(s) for s in self._data["services"]["services"]]

    def service(self, service_id: str) -> dict[str, Any]:
        return _by_id(self._data["services"]["services"], service_id, "服务")

    def answers(self) -> list[Option]:
        """The yes/no answers, with what residents say for them (是的、对、没有 ...)."""
        return [option_of(a) for a in self._data["screens"]["answers"]]

    def answer_value(self, answer_id: str) -> bool:
        entry = _by_id(self._data["screens"]["answers"], answer_id, "回答")
        return bool(entry["value"])

    # -- regions -------------------------------------------------------------------------------
    def districts(self) -> list[Option]:
        return [option_of(d) for d in self._data["regions"]["districts"]]

    def district(self, district_id: str) -> dict[str, Any]:
        return _by_id(self._data["regions"]["districts"], district_id, "区县")

    def towns(self, district_id: str) -> list[Option]:
        return [option_of(t) for t in self.district(district_id)["towns"]]

    def town(self, district_id: str, town_id: str) -> dict[str, Any]:
        return _by_id(self.district(district_id)["towns"], town_id, "镇（街道）")

    def villages(self, district_id: str, town_id: str) -> list[Option]:
        return [option_of(v) for v in self.town(district_id, town_id)["villages"]]

    def village(self, district_id: str, town_id: str, village_id: str) -> dict[str, Any]:
        return _by_id(self.town(district_id, town_id)["villages"], village_id, "村（社区）")

    def find_village(self, village_id: str) -> tuple[str, str] | None:
        """``(district id, town id)`` of a village id, which is unique across the pack."""
        for d in self._data["regions"]["districts"]:
            for t in d["towns"]:
                for v in t["villages"]:
                    if v["id"] == village_id:
                        return str(d["id"]), str(t["id"])
        return None

    # -- voice: what may be said on each screen ------------------------------------------------
    def _static_screens(self) -> dict[str, list[Option]]:
        la = self._data["legal_aid"]
        return {
            "home": self.services(),
            "yes_no": self.answers(),
            "legal_aid.matter": [option_of(m) for m in la["matters"]],
            "legal_aid.exemption_group": [option_of(g) for g in la["exemption_groups"]]
            + [option_of(self._data["screens"]["none_of_these"])],
            "legal_aid.exempt_matter": [option_of(m) for m in la["exempt_matters"]]
            + [option_of(self._data["screens"]["none_of_these"])],
            "legal_aid.applicant_role": [option_of(r) for r in la["applicant_roles"]],
            "legal_aid.income_period": [option_of(p) for p in la["income_periods"]],
            "legal_aid.opposing_kind": [option_of(k) for k in la["opposing_kinds"]],
            "legal_aid.agent_relation": [option_of(r) for r in la["agent_relations"]],
            "legal_aid.evidence": [option_of(e) for e in la["evidence_kinds"]],
            "notary.matter": [option_of(m) for m in self._data["notary"]["matters"]],
            "visit.service": [option_of(s) for s in self._data["visits"]["services"]],
            "visit.eligibility": [option_of(e) for e in self._data["visits"]["eligibility"]],
            "visit.period": [option_of(p) for p in self._data["visits"]["periods"]],
            "knowledge.topic": [option_of(t) for t in self._data["knowledge"]["topics"]],
            "region.district": self.districts(),
        }

    def screen_ids(self) -> list[str]:
        """Every screen that offers spoken choices, including one per district and per town."""
        ids = list(self._static_screens())
        ids += [f"{WHICH_GROUP}{q}" for q in self.exemption_questions()]
        for d in self._data["regions"]["districts"]:
            ids.append(f"region.town/{d['id']}")
            for t in d["towns"]:
                ids.append(f"region.village/{d['id']}/{t['id']}")
        return ids

    def screen_options(self, screen_id: str) -> list[Option]:
        """The choices a resident can say on ``screen_id`` (see :meth:`screen_ids`).

        ``region.town/<district>`` and ``region.village/<district>/<town>`` give the address
        pick-lists. An unknown screen raises ``KeyError``.
        """
        static = self._static_screens()
        if screen_id in static:
            return static[screen_id]
        if screen_id.startswith(WHICH_GROUP):
            return self.exemption_choices(screen_id[len(WHICH_GROUP) :])
        if screen_id.startswith("region.town/"):
            return self.towns(screen_id.split("/", 1)[1])
        if screen_id.startswith("region.village/"):
            parts = screen_id.split("/")
            if len(parts) == 3:
                return self.villages(parts[1], parts[2])
        raise KeyError(f"没有这个界面：{screen_id}")

    # -- exemption groups, asked as a few plain yes/no questions ------------------------------
    def exemption_questions(self) -> list[str]:
        """The plain questions that confirm an exemption group, in the pack's group order."""
        groups = self._data["legal_aid"]["exemption_groups"]
        return list(dict.fromkeys(str(g["question"]) for g in groups))

    def exemption_choices(self, question: str) -> list[Option]:
        """The groups one question confirms, in everyday words (``plain_label``) for 是哪一种.

        Synonyms are the groups' own status words (低保, 五保户 …), never a loose word.
        """
        groups = self._data["legal_aid"]["exemption_groups"]
        return [
            Option(str(g["id"]), str(g["plain_label"]), option_of(g).synonyms)
            for g in groups
            if g["question"] == question
        ]

    # -- read-aloud ----------------------------------------------------------------------------
    def spoken_keys(self) -> list[str]:
        return sorted(self._data["screens"]["spoken"])

    def spoken(self, key: str, **values: object) -> str:
        """The sentence read aloud for ``key`` with its ``{placeholders}`` filled.

        A missing key or value raises ``KeyError``: reading "{name}" aloud to a resident is worse
        than a crash caught in testing.
        """
        template = self._data["screens"]["spoken"].get(key)
        if template is None:
            raise KeyError(f"内容包里没有这句话：{key}")
        return str(template).format_map(_StrictValues(key, values))

    def spoken_template(self, key: str) -> str:
        """The sentence for ``key`` as the pack writes it, ``{placeholders}`` unfilled."""
        return str(self._data["screens"]["spoken"][key])

    def placeholders(self, key: str) -> list[str]:
        return _placeholders(str(self._data["screens"]["spoken"][key]))

    def recorded(self) -> dict[str, list[dict[str, str]]]:
        """Recorded parts of spoken sentences, by spoken key (voice/prompts.py)."""
        found: dict[str, list[dict[str, str]]] = self._data["screens"].get("recorded", {})
        return found

    def recorded_prompts(self) -> RecordedPrompts:
        """The recordings this pack's read-aloud plays instead of synthesis."""
        return load_recorded_prompts(
            self.assets_dir, self._data["screens"]["spoken"], self.recorded()
        )

    # -- dates ---------------------------------------------------------------------------------
    def effective_entry(
        self, entries: Iterable[Mapping[str, Any]], on: date
    ) -> Mapping[str, Any] | None:
        """The entry with the latest ``effective_from`` not after ``on``."""
        best: Mapping[str, Any] | None = None
        for e in entries:
            start = date.fromisoformat(str(e["effective_from"]))
            if start <= on and (
                best is None or start > date.fromisoformat(str(best["effective_from"]))
            ):
                best = e
        return best


class _StrictValues(dict[str, object]):
    def __init__(self, key: str, values: Mapping[str, object]) -> None:
        super().__init__(values)
        self._key = key

    def __missing__(self, name: str) -> object:
        raise KeyError(f"朗读“{self._key}”缺少内容：{name}")


def _placeholders(template: str) -> list[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _by_id(entries: Iterable[Mapping[str, Any]], entry_id: str, what: str) -> dict[str, Any]:
    for e in entries:
        if e["id"] == entry_id:
            return dict(e)
    raise KeyError(f"内容包里没有这个{what}：{entry_id}")


# -- loading -----------------------------------------------------------------------------------
class ValidationCache:
    """Digests of pack contents that already passed every check, kept in a small file.

    Validation is a pure function of the data files, the schemas and this program's version, so
    a pack whose digest is recorded here is not validated again at start-up — the JSON Schema pass
    alone took ~0.3 s of the time to the first home-screen frame. Anything changed (a byte of
    data, a schema, an upgrade of the program) gives a new digest and a full validation.
    """

    KEEP = 8

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _digests(self) -> list[str]:
        try:
            return self.path.read_text(encoding="ascii").split()
        except (OSError, UnicodeDecodeError):
            return []

    def __contains__(self, digest: str) -> bool:
        return digest in self._digests()

    def add(self, digest: str) -> None:
        digests = [*[d for d in self._digests() if d != digest][-(self.KEEP - 1) :], digest]
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text("\n".join(digests) + "\n", encoding="ascii")
            tmp.replace(self.path)
        except OSError:  # a read-only disk only costs the next start-up its speed
            pass


def _content_digest(texts: Mapping[str, str], schema_dir: Traversable) -> str:
    from kiosk import __version__

    h = hashlib.sha256(f"app {__version__}\n".encode())
    for stem in DATA_FILES:
        schema_path = schema_dir / f"{stem}.schema.json"
        schema = schema_path.read_bytes() if schema_path.is_file() else b""
        for part in (stem.encode(), schema, texts.get(stem, "").encode("utf-8")):
            h.update(len(part).to_bytes(8, "big"))
            h.update(part)
    return h.hexdigest()


def load_pack(
    directory: Path,
    schema_dir: Traversable = SCHEMA_DIR,
    *,
    cache: ValidationCache | None = None,
) -> ContentPack:
    """Read and validate ``directory/data/*.json``; raise :class:`PackError` listing problems.

    Signatures and the manifest's hashes are checked by the pack store before this is called;
    here the manifest is only read for the pack's id and version. With ``cache``, contents that
    passed before are not re-validated (see :class:`ValidationCache`).
    """
    directory = Path(directory)
    problems: list[str] = []
    data: dict[str, Any] = {}
    texts: dict[str, str] = {}
    for stem in DATA_FILES:
        label = f"data/{stem}.json"
        try:
            texts[stem] = (directory / "data" / f"{stem}.json").read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(f"{label}: /: 缺少这个文件")
        except UnicodeDecodeError as exc:
            problems.append(f"{label}: /: {decode_problem(exc)}")
        except OSError as exc:
            problems.append(f"{label}: /: 读不出来：{plain_reason(exc)}")
    digest = _content_digest(texts, schema_dir) if cache is not None else ""
    known_good = cache is not None and not problems and digest in cache
    for stem, text in texts.items():
        label = f"data/{stem}.json"
        try:
            content = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(f"{label}: /: {decode_problem(exc)}")
            continue
        found = (
            [] if known_good else _schema_problems(label, content, load_schema(stem, schema_dir))
        )
        if found:
            problems.extend(found)
        else:
            data[stem] = content
    manifest: dict[str, Any] = {}
    manifest_path = directory / "manifest.json"
    if manifest_path.exists():
        try:
            loaded = json.loads(manifest_path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                manifest = loaded
            else:
                problems.append("manifest.json: /: 应当是一个 JSON 对象")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"manifest.json: /: {decode_problem(exc)}")
        except OSError as exc:
            problems.append(f"manifest.json: /: 读不出来：{plain_reason(exc)}")
    if not problems:
        if not known_good:
            problems.extend(cross_check(data))
        problems.extend(_asset_problems(directory, data))
    if problems:
        raise PackError(problems)
    pack = ContentPack(directory, data, manifest)
    if not known_good:
        problems = voice_collisions(pack) + lexicon_problems(pack)
        if problems:
            raise PackError(problems)
        if cache is not None:
            cache.add(digest)
    return pack


_SCREEN_FILES = {
    "home": "services",
    "yes_no": "screens",
    "legal_aid": "legal_aid",
    "notary": "notary",
    "visit": "visits",
    "knowledge": "knowledge",
    "region": "regions",
}


def voice_collisions(pack: ContentPack) -> list[str]:
    """A word that names two different choices on one screen: the voice matcher can't decide."""
    problems: list[str] = []
    for screen_id in pack.screen_ids():
        owner: dict[str, str] = {}
        for option in pack.screen_options(screen_id):
            for word in dict.fromkeys((option.label, *option.synonyms)):
                other = owner.get(word)
                if other is not None and other != option.id:
                    stem = _SCREEN_FILES.get(screen_id.split(".")[0], "screens")
                    problems.append(
                        f"data/{stem}.json: {screen_id}: 说法“{word}”同时属于 '{other}' 和 '{option.id}'，"
                        "同一界面上语音分不清，请只留给一项"
                    )
                owner.setdefault(word, option.id)
    return problems


def lexicon_problems(pack: ContentPack) -> list[str]:
    """``lexicon.json`` entries that name a screen or an option the pack doesn't have, or give an
    option a phrase another option of the same screen already has (voice couldn't tell them apart)."""
    problems: list[str] = []
    screens = set(pack.screen_ids())
    lexicon = pack.data("lexicon")
    entries = [("option_phrases", e) for e in lexicon["option_phrases"]]
    entries += [("age_groups", e) for e in lexicon["age_groups"]]
    index = {"option_phrases": 0, "age_groups": 0}
    for key, e in entries:
        where = f"data/lexicon.json: /{key}/{index[key]}"
        index[key] += 1
        if e["screen"] not in screens:
            problems.append(f"{where}/screen: 界面 '{e['screen']}' 在内容包里没有")
            continue
        options = {o.id: o for o in pack.screen_options(e["screen"])}
        if e["option"] not in options:
            problems.append(f"{where}/option: 界面 '{e['screen']}' 上没有选项 '{e['option']}'")
            continue
        for word in e.get("say", ()):
            owner = next(
                (o.id for o in options.values() if word in (o.label, *o.synonyms)), e["option"]
            )
            if owner != e["option"]:
                problems.append(
                    f"{where}/say: 说法“{word}”已经属于 '{owner}'，同一界面上语音分不清"
                )
    return problems


def _asset_problems(directory: Path, data: Mapping[str, Any]) -> list[str]:
    problems = recording_problems(
        directory / "assets", data["screens"]["spoken"], data["screens"].get("recorded", {})
    )
    for i, s in enumerate(data["services"]["services"]):
        if not (directory / "assets" / s["icon"]).is_file():
            problems.append(
                f"data/services.json: /services/{i}/icon: 图标文件 assets/{s['icon']} 不存在"
            )
    return problems


def cross_check(data: Mapping[str, Any]) -> list[str]:
    """Consistency a JSON Schema can't express. ``data`` is schema-valid."""
    problems: list[str] = []

    def unique(file: str, path: str, entries: list[Mapping[str, Any]]) -> set[str]:
        seen: set[str] = set()
        for i, e in enumerate(entries):
            if e["id"] in seen:
                problems.append(f"data/{file}.json: {path}/{i}/id: 编号 '{e['id']}' 重复")
            seen.add(str(e["id"]))
        return seen

    services = unique("services", "/services", data["services"]["services"])
    for i, s in enumerate(data["services"]["services"]):
        for key in ("title_key", "intro_key"):
            if key in s and s[key] not in data["screens"]["spoken"]:
                problems.append(
                    f"data/services.json: /services/{i}/{key}: 朗读词 '{s[key]}' 在 screens.json 里找不到"
                )
    del services

    regions = data["regions"]["districts"]
    district_ids = unique("regions", "/districts", regions)
    village_ids: set[str] = set()
    for di, d in enumerate(regions):
        unique("regions", f"/districts/{di}/towns", d["towns"])
        for ti, t in enumerate(d["towns"]):
            for vi, v in enumerate(t["villages"]):
                if v["id"] in village_ids:
                    problems.append(
                        f"data/regions.json: /districts/{di}/towns/{ti}/villages/{vi}/id: 村编号 '{v['id']}' 重复（村编号全包唯一）"
                    )
                village_ids.add(str(v["id"]))

    la = data["legal_aid"]
    matter_ids = unique("legal_aid", "/matters", la["matters"])
    group_ids = unique("legal_aid", "/exemption_groups", la["exemption_groups"])
    unique("legal_aid", "/exempt_matters", la["exempt_matters"])
    material_ids = unique("legal_aid", "/materials", la["materials"])
    for key in ("applicant_roles", "opposing_kinds", "agent_relations", "evidence_kinds"):
        unique("legal_aid", f"/{key}", la[key])
    if {k["id"] for k in la["opposing_kinds"]} != {"person", "company", "government", "unknown"}:
        problems.append(
            "data/legal_aid.json: /opposing_kinds: 编号必须正好是 person、company、government、unknown（程序按它们处理）"
        )

    def undefined(
        path: str, entries: list[Any], key: str, known: set[str], what: str, where: str
    ) -> None:
        for i, entry in enumerate(entries):
            for j, ref in enumerate(entry.get(key, [])):
                if ref not in known:
                    problems.append(
                        f"data/legal_aid.json: {path}/{i}/{key}/{j}: {what} '{ref}' 没有在 {where} 里定义"
                    )

    undefined("/matters", la["matters"], "materials", material_ids, "材料", "/materials")
    undefined("/exemption_groups", la["exemption_groups"], "materials", material_ids, "材料", "/materials")  # fmt: skip
    undefined("/exempt_matters", la["exempt_matters"], "matters", matter_ids, "事项", "/matters")
    undefined("/exempt_matters", la["exempt_matters"], "materials", material_ids, "材料", "/materials")  # fmt: skip
    for key in ("always", "agent", "income_test"):
        for j, mat in enumerate(la["standard_materials"][key]):
            if mat not in material_ids:
                problems.append(
                    f"data/legal_aid.json: /standard_materials/{key}/{j}: 材料 '{mat}' 没有在 /materials 里定义"
                )
    campaign_ids = unique("legal_aid", "/campaigns", la["campaigns"])
    referral_ids = unique("legal_aid", "/referrals", la["referrals"])
    loose = set(la["exemption_loose_words"]["words"])
    for i, g in enumerate(la["exemption_groups"]):
        if "campaign" in g and g["campaign"] not in campaign_ids:
            problems.append(
                f"data/legal_aid.json: /exemption_groups/{i}/campaign: 活动 '{g['campaign']}' 没有在 /campaigns 里定义"
            )
        for j, word in enumerate(g["synonyms"]):
            if word in loose:
                problems.append(
                    f"data/legal_aid.json: /exemption_groups/{i}/synonyms/{j}: “{word}”只说了情况，"
                    f"不能当作“{g['label']}”的说法（见 /exemption_loose_words）"
                )
    undefined("/matters", la["matters"], "referrals", referral_ids, "去处", "/referrals")
    for i, c in enumerate(la["campaigns"]):
        if c["valid_until"] < c["valid_from"]:
            problems.append(
                f"data/legal_aid.json: /campaigns/{i}/valid_until: 结束日期早于开始日期"
            )
    covered: set[str] = set()
    for i, t in enumerate(la["hardship_thresholds"]):
        if t["district"] not in district_ids:
            problems.append(
                f"data/legal_aid.json: /hardship_thresholds/{i}/district: 区县 '{t['district']}' 不在 regions.json 里"
            )
        covered.add(str(t["district"]))
    for d in sorted(district_ids - covered):
        problems.append(f"data/legal_aid.json: /hardship_thresholds: 区县 '{d}' 没有经济困难标准")
    del group_ids

    nt = data["notary"]
    unique("notary", "/matters", nt["matters"])
    for mi, m in enumerate(nt["matters"]):
        qids = unique("notary", f"/matters/{mi}/questions", m["questions"])
        unique("notary", f"/matters/{mi}/documents", m["documents"])
        conditionals: list[tuple[str, Mapping[str, Any]]] = [
            (f"/matters/{mi}/documents/{di}/when", doc.get("when", {}))
            for di, doc in enumerate(m["documents"])
        ]
        conditionals += [
            (f"/matters/{mi}/in_person/exceptions/{ei}/when", ex["when"])
            for ei, ex in enumerate(m["in_person"].get("exceptions", []))
        ]
        conditionals += [
            (f"/matters/{mi}/questions/{qi}/ask_if", q.get("ask_if", {}))
            for qi, q in enumerate(m["questions"])
        ]
        conditionals += [
            (f"/matters/{mi}/notes/{ni}/when", n.get("when", {})) for ni, n in enumerate(m["notes"])
        ]
        for path, cond in conditionals:
            for q in cond:
                if q not in qids:
                    problems.append(f"data/notary.json: {path}/{q}: 问题 '{q}' 在这个事项里没有")
    office_districts = {str(o["district"]) for o in nt["offices"]}
    for i, o in enumerate(nt["offices"]):
        if o["district"] not in district_ids:
            problems.append(
                f"data/notary.json: /offices/{i}/district: 区县 '{o['district']}' 不在 regions.json 里"
            )
    for d in sorted(district_ids - office_districts):
        problems.append(f"data/notary.json: /offices: 区县 '{d}' 没有对应的公证处")

    vs = data["visits"]
    visit_services = unique("visits", "/services", vs["services"])
    unique("visits", "/eligibility", vs["eligibility"])
    periods = unique("visits", "/periods", vs["periods"])
    unique("visits", "/teams", vs["teams"])
    for i, t in enumerate(vs["teams"]):
        for j, s in enumerate(t["services"]):
            if s not in visit_services:
                problems.append(f"data/visits.json: /teams/{i}/services/{j}: 服务 '{s}' 没有定义")
        for j, d in enumerate(t["districts"]):
            if d not in district_ids:
                problems.append(
                    f"data/visits.json: /teams/{i}/districts/{j}: 区县 '{d}' 不在 regions.json 里"
                )
        for j, p in enumerate(t["periods"]):
            if p not in periods:
                problems.append(f"data/visits.json: /teams/{i}/periods/{j}: 时段 '{p}' 没有定义")

    if nt["green_channel"]["visit_service"] not in visit_services:
        problems.append(
            f"data/notary.json: /green_channel/visit_service: 上门服务 '{nt['green_channel']['visit_service']}' 在 visits.json 里没有"
        )
    for i, m in enumerate(la["matters"]):
        if "knowledge" in m and m["knowledge"] not in {
            t["id"] for t in data["knowledge"]["topics"]
        }:
            problems.append(
                f"data/legal_aid.json: /matters/{i}/knowledge: 法律常识 '{m['knowledge']}' 在 knowledge.json 里没有"
            )

    allowed = screens_schema_placeholders()
    for key, template in sorted(data["screens"]["spoken"].items()):
        try:
            names = set(_placeholders(str(template)))
        except ValueError:  # a lone "{" or "}" (Python says why in English)
            problems.append(
                f"data/screens.json: /spoken/{key}: 大括号写法有误（有单独的“{{”或“}}”，"
                "要原样显示请写两个）"
            )
            continue
        extra = sorted(names - set(allowed.get(key, ())))
        if extra:
            problems.append(
                f"data/screens.json: /spoken/{key}: 程序不会填写这些占位符：{', '.join(extra)}"
            )
    unique("knowledge", "/topics", data["knowledge"]["topics"])
    unique("screens", "/answers", data["screens"]["answers"])
    qa_topics = unique("qa", "/topics", data["qa"]["topics"])
    unique("qa", "/entries", data["qa"]["entries"])
    for i, entry in enumerate(data["qa"]["entries"]):
        if entry["topic"] not in qa_topics:
            problems.append(
                f"data/qa.json: /entries/{i}/topic: 话题 '{entry['topic']}' 没有在 /topics 里定义"
            )
    return problems


def screens_schema_placeholders(schema_dir: Traversable = SCHEMA_DIR) -> dict[str, list[str]]:
    """The ``{placeholders}`` the program fills for each spoken key (the screens' contract)."""
    found: dict[str, list[str]] = load_schema("screens", schema_dir).get("x-placeholders", {})
    return found


@dataclass(frozen=True)
class Unverified:
    """A figure or statement in the pack an administrator still has to confirm, with its source."""

    file: str
    path: str
    what: str
    source: str

    def line(self) -> str:
        return f"{self.file}: {self.path}: {self.what}（来源：{self.source}）"


def unverified_figures(pack: ContentPack) -> list[Unverified]:
    """Every entry marked ``"verified": false``: thresholds, form, hotline, offices, topics, 问一问."""
    found: list[Unverified] = []
    la = pack.data("legal_aid")
    for i, t in enumerate(la["hardship_thresholds"]):
        if not t["verified"]:
            district = pack.district(str(t["district"]))["label"]
            tier = f"{t['tier']}，" if t.get("tier") else ""
            found.append(
                Unverified(
                    "data/legal_aid.json",
                    f"/hardship_thresholds/{i}",
                    f"{district}经济困难标准 {yuan_text(t['monthly_income_per_capita_yuan'])} 元"
                    f"（{tier}{t['effective_from']} 起）",
                    str(t["source"]),
                )
            )
    form = la.get("application_form")
    if isinstance(form, dict) and not form["verified"]:
        found.append(
            Unverified(
                "data/legal_aid.json",
                "/application_form",
                f"{form['title']}的版式：{form.get('unverified_note', '未与现行申请表核对')}",
                str(form["source"]),
            )
        )
    hotline = pack.data("hotline")["hotline"]
    if not hotline["verified"]:
        found.append(
            Unverified(
                "data/hotline.json",
                "/hotline",
                f"{hotline['label']}：{hotline['hours']}",
                str(hotline["source"]),
            )
        )
    for i, o in enumerate(pack.data("notary")["offices"]):
        if not o["verified"]:
            district = pack.district(str(o["district"]))["label"]
            found.append(
                Unverified(
                    "data/notary.json",
                    f"/offices/{i}",
                    f"{district}的公证处：{o['label']}，地址和电话",
                    "内容包未注明；请按司法局公布的公证机构名录或 12348 核实",
                )
            )
    for i, m in enumerate(pack.data("notary")["matters"]):
        for j, note in enumerate(m["notes"]):
            if not note.get("verified", True):
                found.append(
                    Unverified(
                        "data/notary.json",
                        f"/matters/{i}/notes/{j}",
                        f"公证“{m['label']}”的提示：{note.get('unverified_note', '未核实')}",
                        str(m["basis"]),
                    )
                )
    for i, topic in enumerate(pack.data("knowledge")["topics"]):
        if not topic.get("verified", True):
            found.append(
                Unverified(
                    "data/knowledge.json",
                    f"/topics/{i}",
                    f"法律常识“{topic['label']}”：{topic.get('unverified_note', '有说法未核实')}",
                    str(topic["basis"]),
                )
            )
    for i, entry in enumerate(pack.data("qa")["entries"]):
        if not entry["verified"]:
            found.append(
                Unverified(
                    "data/qa.json",
                    f"/entries/{i}",
                    f"问一问“{entry['questions'][0]}”：{entry.get('unverified_note', '有说法未核实')}",
                    "；".join(f"{b['law']}{b['article']}" for b in entry["basis"]),
                )
            )
    return found


def count_unverified(pack: ContentPack) -> int:
    """How many figures and statements of ``pack`` are still unverified (for the admin screen)."""
    return len(unverified_figures(pack))


def yuan_text(amount: float) -> str:
    """Money as a resident reads it: no decimals when whole, else two."""
    return f"{amount:.0f}" if float(amount).is_integer() else f"{amount:.2f}"


def iter_entries(pack: ContentPack) -> Iterator[tuple[str, Option]]:
    """Every labelled entry of the pack with the screen it belongs to (for checks and docs)."""
    for screen_id in pack.screen_ids():
        for option in pack.screen_options(screen_id):
            yield screen_id, option
