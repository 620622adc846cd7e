"""Words that work on every screen: navigation, repeat, help, the read-aloud voice (大声点,
慢一点, 听不清), and the yes/no of a confirmation.

The UI adds these to each screen's options; their ids are stable so the flow can act on them.
"""

from __future__ import annotations

from voice.options import VoiceOption

BACK = VoiceOption("cmd.back", "返回", ("回去", "退回", "回到首页", "回首页", "主页", "首页"))
PREVIOUS = VoiceOption("cmd.previous", "上一步", ("上一页", "前一步", "往前"))
NEXT = VoiceOption("cmd.next", "下一步", ("下一页", "继续", "往下"))
REPEAT = VoiceOption("cmd.repeat", "重听", ("再说一遍", "再念一遍", "没听清", "重新读", "朗读"))
HELP = VoiceOption("cmd.help", "帮助", ("怎么用", "不会用", "找工作人员", "人工"))
YES = VoiceOption("cmd.yes", "是", ("是的", "对", "对对", "对的", "没错", "好的", "可以", "确定"))
NO = VoiceOption("cmd.no", "不是", ("不对", "不要", "错了", "不是的", "没有", "取消"))

# The read-aloud voice, said instead of tapped (响 is the Wu word for loud).
LOUDER = VoiceOption(
    "cmd.louder", "大声点", ("大声一点", "大点声", "声音大点", "响一点", "响点", "听不见")
)
SLOWER = VoiceOption(
    "cmd.slower", "慢一点", ("说慢点", "慢点说", "讲慢点", "慢慢说", "太快了", "说得太快")
)
# Both at once, then the page again: what an old person says when the voice is too hard to follow.
CLEARER = VoiceOption("cmd.clearer", "听不清", ("听不清楚", "听勿清", "听不明白"))

COMMANDS: tuple[VoiceOption, ...] = (
    BACK,
    PREVIOUS,
    NEXT,
    REPEAT,
    HELP,
    LOUDER,
    SLOWER,
    CLEARER,
    YES,
    NO,
)
NAVIGATION: tuple[VoiceOption, ...] = (BACK, PREVIOUS, NEXT, REPEAT, HELP, LOUDER, SLOWER, CLEARER)
