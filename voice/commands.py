"""Words that work on every screen: navigation, repeat, help, and the yes/no of a confirmation.

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

COMMANDS: tuple[VoiceOption, ...] = (BACK, PREVIOUS, NEXT, REPEAT, HELP, YES, NO)
NAVIGATION: tuple[VoiceOption, ...] = (BACK, PREVIOUS, NEXT, REPEAT, HELP)
