"""Build tests/speech/understanding_corpus.tsv from the bundled pack (run by hand, output committed).

Every row is a transcript as the recogniser could return it on one screen of the pack, the page
kind, and what the kiosk must do with it: an option id, ``no`` on a yes/no page, or ``-`` (match
nothing: the resident must be asked again or offered touch). Rows are made from the pack's own
labels with recognition errors applied the way they happen — homophones and Wu-accent mergers
(character tables below, each substitution checked to be a real sound confusion), dropped and
extra characters, filler words — plus hand-written rows: local words, indirect requests, Mandarin
and Wu negations, questions back, places of other districts, ages, and chit-chat. To grow the
corpus, add hand-written rows to EXTRA or sentences to CHITCHAT and run it again:

    .venv/bin/python tests/speech/build_understanding_corpus.py
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from kiosk.content import load_pack  # noqa: E402
from offline_cache import BUNDLED_PACK_DIR  # noqa: E402

OUT = Path(__file__).resolve().parent / "understanding_corpus.tsv"

# Same sound, other character (what a recogniser writes for an unclear syllable).
HOMOPHONES = dict(
    zip(
        "证援律助伤继遗嘱赡养鉴咨询承包宅基交通事故门预约查进度热线识低保户困残疾村镇街道区委托声明赠婚姻亲属犯罪学历",
        "正元绿住商记一主善样见资寻成保窄鸡胶同是顾们遇月茶近渡惹现时滴宝护捆惨及存振接到曲为拖生名增昏因青数范最雪立",
        strict=True,
    )
)
# Wu-accent mergers written as characters: zh/ch/sh said as z/c/s, n as l, h as f, -ng as -n.
ACCENT = dict(
    zip(
        "上是事证承助找政农女年南老红黄生成程伤",
        "桑四四怎层祖早怎龙吕连兰脑冯房森层层桑",
        strict=True,
    )
)
FILLERS = ("嗯，", "那个，", "我想", "帮我", "呃，我要", "就是，")
ENDINGS = ("吧", "啊", "的事情", "一下", "呢")
NEGATIONS = ("勿要", "伐要", "覅", "不要", "弗要", "我不要", "不是")
QUESTIONS = ("{}好不好", "{}吗？", "是不是{}", "{}行不行", "{}要伐", "{}可不可以")
YES_NO_NEGATIVE = ("伐要", "勿要", "覅", "弗要", "伐是", "勿是", "不要", "不是的", "没有", "伐好", "勿对",
                   "呒没", "不对不对", "不要不要", "弗是")  # fmt: skip
YES_NO_QUESTIONS = ("好不好", "行不行", "是不是", "对不对", "要不要", "好伐", "是吗", "要伐？", "同意啊？",
                    "有没有", "可不可以", "真的吗", "对伐", "是的吗")  # fmt: skip
CHITCHAT = (
    "今天天气怎么样", "你吃饭了没有", "我孙子今年上大学了", "这个机器怎么这么亮", "外面下雨了",
    "我来晚了不好意思", "你们几点下班", "菜场在哪里", "我的眼镜忘在家里了", "电视里说明天降温",
    "隔壁老王家杀猪了", "我腰有点疼", "今年的稻子收成不错", "公交车几点来", "你是机器人吗",
    "我听不懂普通话", "这个字太小了", "我先坐一下", "我老伴在外面等我", "小孙子要放学了",
    "我昨天去医院配药了", "现在几点了", "我想喝口水", "这里可以充电吗", "我手机没电了",
    "镇上开了个新超市", "你们这里冷不冷", "我来给孙子办点事", "今天人多不多", "我等一下再来",
    "那边排队的人多", "我耳朵不太好", "我眼睛花了", "我不认识字", "刚才那个人走了",
    "我家的鸡下蛋了", "明天要去喝喜酒", "我儿子在上海打工", "天冷了要多穿点", "门口的车是谁的",
    "我脚有点麻", "中午吃什么好", "我先回去了", "外面太阳好大", "我忘了带老花镜",
    "卫生间在哪里", "我坐了半天车才到", "我找村主任", "你们领导在吗", "今天是初几",
    "我家的狗跑丢了", "我想打个电话给我女儿", "这个屏幕怎么不动了", "我点错了", "有没有椅子坐",
    "我是来看热闹的", "他们说这里可以免费量血压", "我来拿药", "快要过年了", "天快黑了",
)  # fmt: skip
# Hand-written rows: (screen, page, expected, kind, text).
EXTRA: tuple[tuple[str, str, str, str, str], ...] = (
    ("home", "choice", "status", "indirect", "我的申请到哪一步了"),
    ("home", "choice", "status", "indirect", "嗯，我上次申请的事情怎么样了"),
    ("home", "choice", "status", "indirect", "我那个申请批下来没有"),
    ("home", "choice", "status", "indirect", "帮我看看办好了没有"),
    ("home", "choice", "status", "indirect", "申请到哪一步了啊"),
    ("home", "choice", "legal_aid", "indirect", "我请不起律师"),
    ("home", "choice", "legal_aid", "indirect", "老板不给工钿"),
    ("home", "choice", "legal_aid", "indirect", "想打官司没有钱"),
    ("home", "choice", "visit", "indirect", "我走不动路了"),
    ("home", "choice", "visit", "indirect", "能不能到我屋里来"),
    ("home", "choice", "visit", "indirect", "叫人上门来帮我办"),
    ("home", "choice", "notary", "indirect", "老人走了房子怎么过户"),
    ("home", "choice", "notary", "indirect", "我想立个遗嘱"),
    ("home", "choice", "hotline", "indirect", "打电话问问"),
    ("home", "choice", "knowledge", "indirect", "我想学点法律"),
    ("legal_aid.matter", "choice", "unpaid_wages", "local", "工钿不给"),
    ("legal_aid.matter", "choice", "unpaid_wages", "local", "老板欠我工钿"),
    ("legal_aid.matter", "choice", "unpaid_wages", "local", "一年的工钱没拿到"),
    ("legal_aid.matter", "choice", "unpaid_wages", "local", "包工头跑路了"),
    ("legal_aid.matter", "choice", "work_injury", "synonym", "干活的时候摔了一跤"),
    ("legal_aid.matter", "choice", "work_injury", "synonym", "在厂里干活跌伤了"),
    ("legal_aid.matter", "choice", "work_injury", "synonym", "上班摔伤了"),
    ("legal_aid.matter", "choice", "work_injury", "synonym", "工地上摔下来了"),
    ("legal_aid.matter", "choice", "work_injury", "synonym", "从脚手架上摔下来"),
    ("legal_aid.matter", "choice", "work_injury", "synonym", "机器轧了手"),
    ("legal_aid.matter", "choice", "elder_support", "local", "儿子不管我"),
    ("legal_aid.matter", "choice", "elder_support", "local", "小人不给生活费"),
    ("legal_aid.matter", "choice", "elder_support", "local", "没人养我"),
    ("legal_aid.matter", "choice", "traffic_accident", "synonym", "骑电瓶车被撞了"),
    ("legal_aid.matter", "choice", "traffic_accident", "synonym", "被汽车撞了"),
    ("legal_aid.matter", "choice", "personal_injury", "synonym", "被邻居打伤了"),
    ("legal_aid.matter", "choice", "personal_injury", "accent", "宁身损害"),
    ("legal_aid.applicant_role", "choice", "self", "local", "就是我"),
    ("legal_aid.applicant_role", "choice", "agent", "local", "帮我家老人家"),
    ("legal_aid.applicant_role", "choice", "agent", "local", "替我妈申请"),
    ("legal_aid.agent_relation", "choice", "child", "local", "我是他儿子"),
    ("legal_aid.agent_relation", "choice", "spouse", "local", "我是他老伴"),
    ("legal_aid.agent_relation", "choice", "spouse", "local", "我是屋里人"),
    ("legal_aid.opposing_kind", "choice", "unknown", "local", "勿晓得"),
    ("legal_aid.opposing_kind", "choice", "unknown", "local", "弄不清"),
    ("legal_aid.opposing_kind", "choice", "company", "local", "老板的厂"),
    ("visit.eligibility", "choice", "mobility", "local", "脚骨不好"),
    ("visit.eligibility", "choice", "mobility", "local", "走不动路"),
    ("visit.eligibility", "choice", "mobility", "local", "瘫在床上"),
    ("visit.eligibility", "choice", "elderly", "age", "我今年八十二岁"),
    ("visit.eligibility", "choice", "elderly", "age", "八十岁了"),
    ("visit.eligibility", "choice", "elderly", "age", "九十一周岁"),
    ("visit.eligibility", "choice", "elderly", "age", "今年八十五了"),
    ("visit.eligibility", "choice", "-", "age", "七十八岁"),
    ("visit.eligibility", "choice", "-", "age", "我今年七十九了"),
    ("visit.eligibility", "choice", "-", "age", "快八十了"),
    ("visit.eligibility", "choice", "-", "age", "六十八岁"),
    ("visit.eligibility", "choice", "-", "age", "七十多岁"),
    ("legal_aid.exemption_group", "choice", "rural_very_old", "age", "我八十三岁了"),
    ("legal_aid.exemption_group", "choice", "-", "age", "我七十五岁"),
    ("legal_aid.exemption_group", "choice", "-", "age", "快八十了"),
    ("notary.matter", "choice", "will", "indirect", "身后的事安排一下"),
    ("notary.matter", "choice", "will", "indirect", "想写个遗嘱"),
    ("notary.matter", "choice", "inheritance", "indirect", "爹妈的房子要过户"),
    ("visit.service", "choice", "consultation", "indirect", "想问问律师"),
    ("knowledge.topic", "choice", "wages", "local", "讨工钿"),
    ("knowledge.topic", "choice", "homestead", "local", "邻居家屋檐滴水"),
    ("home", "choice", "legal_aid", "negation-kept", "不是公证，是法律援助"),
    ("legal_aid.matter", "choice", "labour_relation", "negation-kept", "没签合同"),
    ("legal_aid.applicant_role", "choice", "agent", "negation-kept", "帮别人申请"),
    ("region.town/liyang", "choice", "bieqiao", "negation-kept", "别桥镇"),
    ("yes_no", "consent", "yes", "binary", "是的"),
    ("yes_no", "consent", "yes", "binary", "对的"),
    ("yes_no", "confirm", "yes", "binary", "好的"),
    ("yes_no", "submit", "yes", "binary", "没错"),
    ("yes_no", "yes_no", "yes", "binary", "嗯对"),
    ("yes_no", "consent", "no", "binary", "不是"),
    ("yes_no", "consent", "no", "binary", "不要"),
    ("yes_no", "submit", "no", "binary", "不用"),
    ("yes_no", "yes_no", "no", "binary", "没有的"),
    ("yes_no", "consent", "yes", "binary-unsure", "事的"),
    ("yes_no", "confirm", "no", "binary-unsure", "不事"),
)


def _rows() -> list[tuple[str, str, str, str, str]]:
    rnd = random.Random(15)
    pack = load_pack(BUNDLED_PACK_DIR)
    rows: list[tuple[str, str, str, str, str]] = []
    screens = [s for s in pack.screen_ids() if not s.startswith("region.village")]
    screens += [s for s in pack.screen_ids() if s.startswith("region.village")][:6]
    for screen in screens:
        page = "yes_no" if screen == "yes_no" else "choice"
        options = pack.screen_options(screen)
        for option in options:
            words = [option.label, *option.synonyms]
            rows.append((screen, page, option.id, "exact", option.label))
            for word in words[1:3]:
                rows.append((screen, page, option.id, "synonym", word))
            if screen == "yes_no":
                continue
            label = option.label
            homo = "".join(HOMOPHONES.get(c, c) for c in label)
            if homo != label:
                rows.append((screen, page, option.id, "homophone", homo))
            accent = "".join(ACCENT.get(c, c) for c in label)
            if accent != label:
                rows.append((screen, page, option.id, "accent", accent))
            if len(label) >= 4:
                i = rnd.randrange(1, len(label) - 1)
                rows.append((screen, page, option.id, "dropped", label[:i] + label[i + 1 :]))
            rows.append(
                (
                    screen,
                    page,
                    option.id,
                    "filler",
                    rnd.choice(FILLERS) + label + rnd.choice(ENDINGS),
                )
            )
            if not screen.startswith("region."):
                rows.append((screen, page, "-", "negation", rnd.choice(NEGATIONS) + label))
                rows.append((screen, page, "-", "question", rnd.choice(QUESTIONS).format(label)))
    # Places of other districts said on a district's town page.
    districts = pack.districts()
    for d in districts:
        here = {t.id for t in pack.towns(d.id)}
        others = [
            t for o in districts if o.id != d.id for t in pack.towns(o.id) if t.id not in here
        ]
        for town in rnd.sample(others, 4):
            rows.append((f"region.town/{d.id}", "choice", "-", "other_place", town.label))
    for said in YES_NO_NEGATIVE:
        for page in ("yes_no", "consent"):
            rows.append(("yes_no", page, "no", "negation", said))
    for said in YES_NO_QUESTIONS:
        for page in ("yes_no", "consent", "submit"):
            rows.append(("yes_no", page, "-", "question", said))
    chit_screens = ["home", "legal_aid.matter", "notary.matter", "visit.service", "visit.eligibility",
                    "knowledge.topic", "legal_aid.exemption_group", "region.district", "yes_no"]  # fmt: skip
    for i, said in enumerate(CHITCHAT):
        for screen in (
            chit_screens[i % len(chit_screens)],
            chit_screens[(i + 4) % len(chit_screens)],
        ):
            page = "consent" if screen == "yes_no" else "choice"
            rows.append((screen, page, "-", "oog", said))
    rows += EXTRA
    return list(dict.fromkeys(rows))


def main() -> None:
    rows = _rows()
    header = (
        "# Generated by tests/speech/build_understanding_corpus.py from the bundled pack; add rows there.\n"
        "# screen\tpage\texpected (option id, or - for nothing)\tkind\twhat the recogniser returned\n"
    )
    OUT.write_text(header + "".join("\t".join(r) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows)} rows -> {OUT}")


if __name__ == "__main__":
    main()
