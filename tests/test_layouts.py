"""Layouts of the genre the corpus does not show: one short notice per layout and what the
record must hold (RECORD.md). Each case was written to reproduce a failure found by probing
sj with unseen notices; the cause was fixed in the grammars or stages, not for the case."""
from __future__ import annotations

from collections import Counter

import pytest

from shuangjian_parse.emit import record_data
from shuangjian_parse.pipeline import run

H = "关于成立某县“双减”工作领导小组的通知\n各乡镇：\n为做好工作，决定成立某县“双减”工作领导小组。\n一、组织机构\n"

CASES = [
    # id, cause, text, expectations
    ("R01a", "C1 roster ends at an unreadable line (post wrapped mid-word)",
     H + "组长：张明 县政府副县长\n成员：钱进 县发展和改革局党组成员、副局\n长\n韦雯 县人社局副局长\n顾长春 县财政局副局长\n",
     {"people": [("成员", "钱进", ["县发展和改革局党组成员", "副局长"]), ("成员", "韦雯", ["县人社局副局长"]),
                 ("成员", "顾长春", ["县财政局副局长"])]}),
    ("R01b", "C1+C6 roster ends at a page number the noise rules do not know",
     H + "组长：张明 县政府副县长\n成员：李强 县教育局局长\n·3·\n王伟 县财政局局长\n第 3 页，共 5 页\n赵敏 县公安局副局长\n",
     {"people": [("成员", "王伟", ["县财政局局长"]), ("成员", "赵敏", ["县公安局副局长"])]}),
    ("R02a", "C2 names of minority areas (no Han surname, 4-7 characters, with ·)",
     H + "组长：巴特尔 旗委副书记、旗长\n副组长：乌云其木格 旗人民政府副旗长\n成员：扎西顿珠 县教育局局长\n"
         "买买提·吐尔逊 县财政局局长\n王伟 县公安局副局长\n",
     {"people": [("组长", "巴特尔", None), ("副组长", "乌云其木格", ["旗人民政府副旗长"]),
                 ("成员", "扎西顿珠", ["县教育局局长"]), ("成员", "买买提·吐尔逊", ["县财政局局长"]),
                 ("成员", "王伟", ["县公安局副局长"])]}),
    ("R02b", "C2 frequent surnames missing from people.yaml surnames (strict contexts)",
     H + "组长：张明 县政府副县长\n副组长：赖红\n领导小组下设办公室，办公室主任由县教育局局长傅建军兼任。\n",
     {"people": [("副组长", "赖红", []), ("主任", "傅建军", ["县教育局局长"])]}),
    ("R03", "C3 a numbered heading 'X组成' becomes a body named '一、X'",
     "关于成立某县“双减”工作专班的通知\n各乡镇：\n决定成立某县“双减”工作专班。\n一、专班组成\n组长：张明 县政府副县长\n"
     "专班办公室设在县教育局，由于洋同志兼任办公室主任。\n",
     {"bodies": {"task_force": 1, "office": 1}, "people": [("组长", "张明", ["县政府副县长"]), ("主任", "于洋", [])]}),
    ("R03b", "C3 a heading '一、成立领导小组' / '（一）领导小组组成' becomes a second body",
     H.replace("一、组织机构\n", "") + "一、成立领导小组\n组长：张明 县政府副县长\n（一）领导小组组成\n副组长：李强 县教育局局长\n"
     "领导小组下设办公室，办公室设在县教育局。\n",
     {"bodies": {"leading_group": 1, "office": 1}}),
    ("R04", "C4 post written before the name",
     H + "组长：县委副书记、县长　陆海\n副组长：县人民政府副县长　尚敏\n",
     {"people": [("组长", "陆海", ["县委副书记", "县长"]), ("副组长", "尚敏", ["县人民政府副县长"])]}),
    ("R05", "C5 name，post / name同志（post）",
     H + "组长：查文斌，县人民政府副县长\n副组长：刘国强同志（县委常委、副县长）\n成员：曾卫东同志 县政府办副主任\n",
     {"people": [("组长", "查文斌", ["县人民政府副县长"]), ("副组长", "刘国强", ["县委常委", "副县长"]),
                 ("成员", "曾卫东", ["县政府办副主任"])]}),
    ("R06", "C7 several people / other verbs / other roles in office prose",
     H + "领导小组下设办公室，办公室主任由县教育局局长杨光明同志兼任，副主任由县教育局副局长胡蓉、县市场监管局副局长戴伟兼任。"
         "钟敏同志任办公室副主任。联络员由县教育局股长鲍丽娜同志担任。\n",
     {"people": [("主任", "杨光明", ["县教育局局长"]), ("副主任", "胡蓉", ["县教育局副局长"]),
                 ("副主任", "戴伟", ["县市场监管局副局长"]), ("副主任", "钟敏", []),
                 ("联络员", "鲍丽娜", ["县教育局股长"])]}),
    ("R07", "C8 roster written as prose: 由A任组长，B任副组长，…为成员",
     "关于成立某县控辍保学工作领导小组的通知\n各乡镇：\n决定成立某县控辍保学工作领导小组。领导小组由县委副书记、县长王海涛任组长，"
     "县人民政府副县长岑丽萍任副组长，县教育局、县公安局、团县委主要负责同志为成员。\n",
     {"people": [("组长", "王海涛", ["县委副书记", "县长"]), ("副组长", "岑丽萍", ["县人民政府副县长"])],
      "units": [("leading_group", "县教育局"), ("leading_group", "县公安局"), ("leading_group", "团县委")]}),
    ("R08", "C9 成立以…为组长…为成员的X领导小组",
     "某县课后服务工作实施方案\n为做好工作，制定本方案。\n一、组织保障\n（一）加强组织领导。成立以县长为组长，分管副县长为副组长，"
     "县教育局、县财政局等部门主要负责人为成员的县课后服务工作领导小组。领导小组办公室设在县教育局。\n",
     {"bodies": {"leading_group": 1, "office": 1},
      "units": [("leading_group", "县教育局"), ("leading_group", "县财政局")]}),
    ("R09", "C10 trailing units with labels (责任单位：/牵头单位：…；配合单位：…)",
     "某县实施方案\n为做好工作，制定本方案。\n一、主要任务\n（一）落实经费保障。确保经费筹措到位。（责任单位：县财政局、县教育局）\n"
     "（二）完善激励机制。将课后服务纳入绩效考核。（牵头单位：县人社局；配合单位：县教育局、县财政局）\n",
     {"duties": [(("县财政局", "县教育局"), "落实经费保障"), (("县人社局", "县教育局", "县财政局"), "完善激励机制")]}),
    ("R10", "C11 a role note in brackets after a duty unit",
     H + "二、职责分工\n（一）县教育局（牵头单位）：负责统筹协调。\n（二）县市场监督管理局（配合）：负责食品安全监管。\n",
     {"duties": [(("县教育局",), "负责统筹协调"), (("县市场监督管理局",), "负责食品安全监管")]}),
    ("R11", "C12 duty table with a 序号 column",
     H + "二、职责分工\n| 序号 | 单位 | 职责 |\n|---|---|---|\n| 1 | 县教育局 | 负责统筹推进“双减”工作。 |\n| 2 | 县财政局 | 负责经费保障。 |\n",
     {"duties": [(("县教育局",), "负责统筹推进"), (("县财政局",), "负责经费保障")], "no_duty_units": ["1县教育局"]}),
    ("R12", "C13 roster table with 序号 and the role in the last column",
     H.replace("一、组织机构\n", "") + "\n附件\n\n某县“双减”工作领导小组成员名单\n\n| 序号 | 姓名 | 工作单位及职务 | 领导小组职务 |\n|---|---|---|---|\n"
     "| 1 | 资建平 | 县人民政府副县长 | 组长 |\n| 2 | 伍志刚 | 县教育局局长 | 副组长 |\n| 3 | 梁  斌 | 县财政局副局长 | 成员 |\n",
     {"people": [("组长", "资建平", ["县人民政府副县长"]), ("副组长", "伍志刚", ["县教育局局长"]),
                 ("成员", "梁斌", ["县财政局副局长"])], "no_people": ["序号"]}),
    ("R13", "C14 sub-groups named X组 (综合协调组…) and their inline fields",
     "关于成立某县联合执法指挥部的通知\n各乡镇：\n决定成立某县联合执法指挥部。\n一、工作组\n指挥部下设两个工作组：\n"
     "（一）综合协调组。组长：程凯；成员单位：县教育局、县委宣传部。负责综合协调。\n（二）宣传报道组\n组长：李明\n"
     "成员单位：县委宣传部、县融媒体中心\n",
     {"bodies": {"other": 3}, "units": [("other", "县教育局"), ("other", "县融媒体中心")],
      "people": [("组长", "程凯", []), ("组长", "李明", [])]}),
    ("R14", "C15 a bare unit list under a 成员单位 heading",
     "关于建立某县“双减”工作专门协调机制的通知\n各乡镇：\n建立某县“双减”工作专门协调机制。\n一、组成人员\n（一）成员单位\n"
     "县教育局、县委宣传部、县公安局、县财政局。\n",
     {"units": [("coordination_mechanism", u) for u in ("县教育局", "县委宣传部", "县公安局", "县财政局")]}),
    ("R15", "C16 duties under a unit heading: （一）区教育局 / 1.负责… / 2.负责…",
     "关于建立某区“双减”工作专门协调机制的通知\n各街道：\n建立某区“双减”工作专门协调机制。\n一、成员单位职责\n（一）区教育局\n"
     "1.负责协调机制日常工作。\n2.负责校外培训机构审批。\n（二）区委宣传部\n负责“双减”工作宣传报道。\n",
     # one duty per task or one duty for all tasks of 区教育局: either is fine (RECORD.md is silent)
     {"duties": [(("区教育局",), ""), (("区委宣传部",), "负责“双减”工作宣传")]}),
    ("R16", "C17 a 成文日期 with an Arabic 0 among Chinese numerals",
     H + "组长：张明 县政府副县长\n\n某县人民政府办公室\n二0二一年十月八日\n",
     {"doc": {"date": "2021-10-08", "issuers": ["某县人民政府办公室"]}}),
    ("R17", "C18 joint issuance: organ lines stacked above the title",
     "隆回县教育局\n隆回县市场监督管理局\n关于建立隆回县校外培训机构监管协调机制的通知\n\n各乡镇中心学校：\n"
     "为加强监管，决定建立隆回县校外培训机构监管协调机制。\n\n隆回县教育局　　隆回县市场监督管理局\n2021年10月8日\n",
     {"doc": {"title": "隆回县教育局隆回县市场监督管理局关于建立隆回县校外培训机构监管协调机制的通知"}}),
    ("R19", "C20 a post with a bracket loses its closing bracket",
     H + "组长：张明 县政府副县长\n副组长：李强 县教育局局长（兼）\n成员：王伟 县委宣传部副部长（县委网信办主任）\n",
     {"people": [("副组长", "李强", ["县教育局局长（兼）"]), ("成员", "王伟", ["县委宣传部副部长（县委网信办主任）"])]}),
    ("R18", "C19 a collective subject taken as a member unit",
     "关于建立某县校外培训监管工作联席会议制度的通知\n各乡镇：\n建立某县校外培训监管工作联席会议制度。\n一、组织机构\n"
     "联席会议由县教育局、县公安局等2个部门组成。\n召集人：左晓燕 县教育局局长\n成员：各成员单位分管负责同志。\n",
     {"no_units": ["各成员单位"]}),
    ("R20", "a committee issues the 联席会议制度 it carries: the units are the joint meeting's",
     "某县教育工作委员会关于印发《某县教育工作委员会联席会议制度》的通知\n各乡镇：\n现将《某县教育工作委员会联席会议制度》印发给你们。\n"
     "某县教育工作委员会\n2020年3月2日\n某县教育工作委员会联席会议制度\n一、成员单位\n"
     "联席会议由县政府办、县教育局、县财政局等部门组成，以上单位有关负责人为联席会议成员。\n",
     {"units": [("joint_meeting", "县政府办"), ("joint_meeting", "县教育局"), ("joint_meeting", "县财政局")],
      "no_units": []}),
    ("R21", "成立由…任组长的X小组 (modifier first), a line wrapped inside a word, units 为成员单位",
     "关于做好暑期安全工作的通知\n各街道：\n二、强化组织领导\n成立由区政府分管领导任组长的暑期学生安全专 项工作小组，"
     "区教育局、区公安分局、区应急管理 局等部门为成员单位。\n",
     {"bodies": {"other": 1}, "units": [("other", "区教育局"), ("other", "区公安分局"), ("other", "区应急管理局")]}),
    ("R22", "召集人 in prose, then units whose heads are the joint meeting's members",
     "关于建立某市托育服务联席会议制度的通知\n各区：\n市政府决定建立某市托育服务联席会议制度。\n二、组成\n"
     "联席会议总召集人由分管副市长担任，市委编办、市卫健委、市教育局有关负责人为联席会议成员。\n",
     {"units": [("joint_meeting", "市委编办"), ("joint_meeting", "市卫健委"), ("joint_meeting", "市教育局")]}),
    ("R23", "a level prefix written once in a prose unit list",
     "关于建立某市殡葬管理联席会议制度的通知\n各区：\n市政府决定建立某市殡葬管理联席会议制度。\n"
     "成员包括市委宣传部、统战部，市发展改革局、民族宗教局、公安局等单位分管负责同志。\n",
     {"units": [("joint_meeting", u) for u in ("市委宣传部", "市委统战部", "市发展改革局", "市民族宗教局", "市公安局")]}),
    ("R24", "a news paragraph: X委员会成立。…由A任主任…等部门为成员单位 (the body set up with the verb after it)",
     "经市政府常务会议研究同意，某市人民政府教育督导委员会成立。日前，市政府教育督导委员会公布组成人员名单，"
     "由市委常委、常务副市长韩立新任主任，市教育局局长任副主任；市发展和改革委员会、教育局、财政局等部门为成员单位。\n",
     {"bodies": {"other": 1}, "people": [("主任", "韩立新", ["市委常委", "常务副市长"])],
      "units": [("other", "市发展和改革委员会"), ("other", "市教育局"), ("other", "市财政局")]}),
    ("R25", "articles of a 制度 (第三条 …): a body named only as the subject that lists its units, a bracket inside its name",
     "第二条 联席会议的目的是加强部门协作。\n第三条 某州防范非法集资局(委)际联席会议由州金融办、公安局、市场监管局等3个部门主要负责或分管领导同志参加。\n",
     {"bodies": {"joint_meeting": 1},
      "units": [("joint_meeting", "州金融办"), ("joint_meeting", "州公安局"), ("joint_meeting", "州市场监管局")]}),
    ("R26", "an adjustment notice: names padded with 　, a note after a role label, two office heads in prose",
     "关于调整某县校外培训治理工作领导小组成员的通知\n各乡镇人民政府，县直各单位：\n因人事变动，经县政府研究，决定对某县校外培训治理工作领导小组成员进行调整。调整后的名单如下：\n组　长：杨　帆　县委副书记、县长\n副组长：周志明　县人民政府副县长\n　　　　赵　琳　县教育局局长（兼办公室主任）\n成　员：（按姓氏笔画排序）\n　　　　马　骏　县委宣传部副部长\n　　　　王小燕　县市场监管局局长\n　　　　刘　强　县公安局副局长\n领导小组下设办公室，办公室设在县教育局，由县教育局副局长李建华、张伟任办公室副主任。\n某县人民政府办公室\n2022年3月1日\n",
     {"people": [("组长", "杨帆", ["县委副书记", "县长"]), ("副组长", "赵琳", ["县教育局局长（兼办公室主任）"]),
                 ("成员", "马骏", ["县委宣传部副部长"]), ("副主任", "李建华", ["县教育局副局长"]),
                 ("副主任", "张伟", ["县教育局副局长"])], "no_people": ["按姓氏笔画排序"]}),
    ("R27", "成员： followed by units and their heads; duties as 单位：负责…",
     "关于建立某区校外培训监管联席会议制度的通知\n各街道办事处，区直有关单位：\n为加强校外培训监管，区政府决定建立某区校外培训监管联席会议制度。\n一、组成人员\n召集人：王某某　区人民政府副区长\n副召集人：李某某　区教育局局长\n成　员：区委宣传部、区委网信办、区发展改革局、区公安分局、区民政局、区财政局、区人社局、区市场监管局分管负责同志。\n二、成员单位职责\n区教育局：负责联席会议日常工作，牵头开展校外培训机构治理。\n区市场监管局：负责校外培训收费监管，查处虚假宣传。\n区公安分局：负责依法查处校外培训领域违法犯罪行为。\n三、工作规则\n联席会议原则上每季度召开一次。\n",
     {"units": [("joint_meeting", "区委网信办"), ("joint_meeting", "区市场监管局")],
      "duties": [(("区教育局",), "负责联席会议日常工作"), (("区公安分局",), "负责依法查处")]}),
    ("R28", "two bodies with headings; 成员单位： then numbered units; a task table with 配合单位 and 完成时限",
     "关于成立某市“双减”工作领导小组和工作专班的通知\n各县（市、区）人民政府，市直各单位：\n为推进“双减”工作，市政府决定成立某市“双减”工作领导小组和某市校外培训治理工作专班。\n一、某市“双减”工作领导小组\n组长：孙立军（市长）\n副组长：钱红（副市长）、李进（市政府秘书长）\n成员单位：\n1.市委宣传部\n2.市教育局\n3.市公安局\n4.市市场监管局\n二、某市校外培训治理工作专班\n专班长：周明 市教育局局长\n成员：吴刚 市公安局副局长 郑丽 市市场监管局副局长\n三、工作任务\n序号\t工作任务\t牵头单位\t配合单位\t完成时限\n1\t开展校外培训机构排查\t市教育局\t市市场监管局\t2021年12月\n2\t查处违规收费\t市市场监管局\t市教育局\t2022年3月\n",
     {"bodies": {"leading_group": 1, "task_force": 1},
      "people": [("副组长", "钱红", ["副市长"]), ("专班长", "周明", ["市教育局局长"]), ("成员", "郑丽", ["市市场监管局副局长"])],
      "units": [("leading_group", "市委宣传部"), ("leading_group", "市市场监管局")],
      "duties": [(("市教育局", "市市场监管局"), "开展校外培训机构排查")]}),
    ("R29", "版头 and 发文字号 above an organ line, 常务副组长, an attachment of duties: unit headings with numbered tasks",
     "某县人民政府办公室文件\n某政办发〔2021〕56号\n某县人民政府办公室\n关于成立某县义务教育阶段“双减”工作领导小组的通知\n各乡镇人民政府，县直各有关单位：\n　　为切实做好“双减”工作，经县人民政府同意，决定成立某县义务教育阶段“双减”工作领导小组，现将组成人员名单通知如下：\n　　组　长：　陈建国　　县委副书记、县人民政府县长\n　　常务副组长：林　涛　县人民政府副县长\n　　副组长：　黄丽华　　县人民政府办公室主任\n　　　　　　　郭振宇　　县教育局局长\n　　成　员：　何　平　　县委宣传部副部长\n　　　　　　　罗晓东　　县发展和改革局副局长\n　　　　　　　梁　静　　县财政局副局长\n　　　　　　　宋志强　　县市场监督管理局副局长\n　　领导小组下设办公室，办公室设在县教育局，郭振宇同志兼任办公室主任。领导小组成员如有变动，由所在单位接任领导自然替补，不再另行发文。\n　　附件：某县义务教育阶段“双减”工作领导小组成员单位职责\n某县人民政府办公室\n2021年9月15日\n附件\n某县义务教育阶段“双减”工作领导小组成员单位职责\n　　一、县教育局\n　　1.负责领导小组办公室日常工作。\n　　2.负责规范校外培训机构办学行为。\n　　二、县市场监督管理局\n　　负责校外培训机构收费监管，查处虚假广告。\n　　三、县公安局\n　　负责维护校外培训机构周边治安秩序。\n",
     {"people": [("常务副组长", "林涛", ["县人民政府副县长"]), ("副组长", "郭振宇", ["县教育局局长"]),
                 ("成员", "宋志强", ["县市场监督管理局副局长"]), ("主任", "郭振宇", [])],
      "duties": [(("县教育局",), "负责领导小组办公室日常工作"), (("县教育局",), "负责规范校外培训机构"),
                 (("县市场监督管理局",), "负责校外培训机构收费监管")]}),
    ("R30", "a roster in prose at township level: 组长由X担任，副组长由A、B担任，成员由…组成",
     "关于成立某镇防溺水工作专班的通知\n各村（社区）、镇直各单位：\n为进一步加强学生防溺水工作，经镇党委、政府研究，决定成立某镇防溺水工作专班，具体如下：\n专班组长由镇党委书记张明同志担任，副组长由镇长李军、副镇长王芳同志担任，成员由镇综治办、派出所、中心学校、卫生院等单位负责人组成。专班办公室设在镇中心学校，由中心学校校长赵华同志兼任办公室主任。\n各村（社区）要成立相应的工作机构。\n某镇人民政府\n2023年5月10日\n",
     {"people": [("组长", "张明", ["镇党委书记"]), ("副组长", "李军", ["镇长"]), ("副组长", "王芳", ["副镇长"]),
                 ("主任", "赵华", ["中心学校校长"])],
      "units": [("task_force", "镇综治办"), ("task_force", "派出所")]}),
    ("R31", "a 指挥部: 总指挥 and 副总指挥 separated by ；, members name(post) after 、, duties （一）X局。负责…",
     "关于成立某市校外培训机构专项治理指挥部的通知\n各区人民政府，市直有关部门：\n经市政府研究，决定成立某市校外培训机构专项治理指挥部。现将有关事项通知如下：\n一、指挥部组成\n总指挥：赵长城 市委常委、常务副市长\n副总指挥：钱晓峰 市政府副市长；孙丽 市政府秘书长\n成员：周军（市教育局局长）、吴敏（市公安局副局长）、郑涛（市市场监管局副局长）\n二、工作职责\n（一）市教育局。牵头负责全市校外培训机构排查整治工作。\n（二）市公安局。负责配合查处无证无照办学行为。\n（三）市市场监管局。负责查处培训机构虚假宣传、价格欺诈行为。\n三、其他事项\n指挥部办公室设在市教育局，承担日常工作。办公室主任由周军同志兼任，副主任由市教育局副局长冯刚担任。\n",
     {"bodies": {"other": 1, "office": 1},
      "people": [("总指挥", "赵长城", ["市委常委", "常务副市长"]), ("副总指挥", "孙丽", ["市政府秘书长"]),
                 ("成员", "吴敏", ["市公安局副局长"]), ("副主任", "冯刚", ["市教育局副局长"])],
      "duties": [(("市市场监管局",), "负责查处培训机构虚假宣传")]}),
    ("R32", "a roster table whose 备注 column holds the roles",
     "关于成立某区“双减”工作领导小组的通知\n各街道：\n决定成立某区“双减”工作领导小组，组成人员如下：\n| 序号 | 姓名 | 单位 | 职务 | 备注 |\n|---|---|---|---|---|\n| 1 | 刘洋 | 区人民政府 | 副区长 | 组长 |\n| 2 | 陈静 | 区教育局 | 局长 | 副组长 |\n| 3 | 许文 | 区财政局 | 副局长 | 成员 |\n",
     {"people": [("组长", "刘洋", ["区人民政府副区长"]), ("副组长", "陈静", ["区教育局局长"]),
                 ("成员", "许文", ["区财政局副局长"])], "no_people": ["序号"]}),
    ("R33", "role labels without colons, two on one line",
     "关于成立某县课后服务工作领导小组的通知\n各乡镇：\n决定成立某县课后服务工作领导小组。\n一、组成人员\n组长 王伟（县委常委、常务副县长） 副组长 李强（副县长）\n成员 张三 县教育局局长 李四 县公安局副局长\n",
     {"people": [("组长", "王伟", ["县委常委", "常务副县长"]), ("副组长", "李强", ["副县长"]),
                 ("成员", "张三", ["县教育局局长"]), ("成员", "李四", ["县公安局副局长"])]}),
    ("R34", "labels on their own line, entries as 单位 姓名 职务; duty units with a role note",
     "关于成立某县学生资助工作领导小组的通知\n各学校：\n决定成立某县学生资助工作领导小组，成员名单如下：\n组长：\n县教育局 李明 局长\n副组长：\n县财政局 王红 副局长\n县民政局 赵刚 副局长\n成员：\n县人社局 孙丽 股长\n二、工作职责\n县教育局（牵头单位）、县财政局：负责资助资金的预算安排和拨付。\n县民政局负责提供困难家庭学生名单。\n",
     {"people": [("组长", "李明", ["县教育局局长"]), ("副组长", "赵刚", ["县民政局副局长"]), ("成员", "孙丽", ["县人社局股长"])],
      "duties": [(("县教育局", "县财政局"), "负责资助资金"), (("县民政局",), "负责提供困难家庭")]}),
    ("R35", "a news paragraph above the notice it carries (附:): the lead is read too",
     "经市政府研究同意，某市教育督导委员会成立。日前，市教育督导委员会公布组成人员名单，由副市长钱卫东任主任；"
     "市教育局、市财政局等部门为成员单位。\n附：\n关于公布某市教育督导委员会组成人员的通知\n各县（市、区）人民政府：\n"
     "现将某市教育督导委员会组成人员通知如下。\n",
     {"doc": {"title": "关于公布某市教育督导委员会组成人员的通知"}, "people": [("主任", "钱卫东", ["副市长"])],
      "units": [("other", "市教育局"), ("other", "市财政局")]}),
    ("R36", "name(post) entries one a line under 成员:, names with ·, a post holding a bracket of its own, an odd line",
     "关于成立某市植物园建设专班的通知\n各有关单位：\n市政府决定成立某市植物园建设专班。\n一、专班组成人员\n"
     "主任:阿不都·艾力(市政府副市长)\n成员:买买提江·吐尔逊(市农业(yè)农村局党组副书记、局长)\n"
     "张立(市林草局党组书记、局长)\n李娜?。ㄊ兴)\n王强(国网某市供电公司副总经理)\n"
     "专班下设办公室,办公室设在市科技局,办公室主任由张立同志兼任。\n",
     {"people": [("主任", "阿不都·艾力", ["市政府副市长"]),
                 ("成员", "买买提江·吐尔逊", ["市农业(yè)农村局党组副书记", "局长"]),
                 ("成员", "张立", ["市林草局党组书记", "局长"]), ("成员", "王强", ["国网某市供电公司副总经理"]),
                 ("主任", "张立", [])], "bodies": {"task_force": 1, "office": 1}}),
    ("R37", "a 领导组, a 工作委员会 and a 指挥部 set up in one sentence, each with its roster under a heading",
     "关于成立某县“双减”工作领导组的通知\n各乡镇：\n经县委、县政府研究，决定成立某县“双减”工作领导组，同时成立某县校外培训监管工作委员会和某县防溺水工作指挥部。\n一、领导组组成人员\n组长：刘明 县委副书记\n副组长：陈亮 副县长\n领导组办公室设在县教育局，刘强同志任办公室主任。\n二、工作委员会\n主任委员：王刚 县教育局局长\n委员：县公安局、县市场监管局、县民政局分管负责同志\n三、指挥部\n指挥长：赵军 副县长\n副指挥长：钱伟 县应急管理局局长\n指挥部下设综合协调组、督查组两个工作小组。\n",
     {"bodies": {"leading_group": 1, "other": 2, "office": 1},
      "people": [("组长", "刘明", ["县委副书记"]), ("主任委员", "王刚", ["县教育局局长"]),
                 ("指挥长", "赵军", ["副县长"]), ("主任", "刘强", [])],
      "units": [("other", "县公安局"), ("other", "县民政局")]}),
    ("R38", "people in prose, 协调机制成员单位： as a label after the body, tasks numbered inline after a unit",
     "关于建立某县校外培训治理协调机制的通知\n各乡镇：\n为加强校外培训治理，县政府决定建立某县校外培训治理协调机制。\n一、成员组成\n协调机制召集人由副县长孙涛担任，副召集人由县教育局局长李华担任。\n协调机制成员单位：县委宣传部、县委网信办、县发改局、县公安局、县民政局、县财政局。\n协调机制办公室设在县教育局，办公室主任由李华兼任，联络员由县教育局股长王敏担任。\n二、职责分工\n县教育局：1.负责协调机制日常工作；2.负责校外培训机构审批和年检。\n县公安局：负责校外培训机构安全检查。\n县委宣传部、县委网信办：负责“双减”舆论引导。\n其他成员单位按照各自职责做好相关工作。\n三、工作要求\n各成员单位要加强协作，形成合力。\n",
     {"people": [("召集人", "孙涛", ["副县长"]), ("副召集人", "李华", ["县教育局局长"]), ("主任", "李华", []),
                 ("联络员", "王敏", ["县教育局股长"])],
      "units": [("coordination_mechanism", "县委网信办"), ("coordination_mechanism", "县财政局")],
      "duties": [(("县教育局",), "1.负责协调机制日常工作"), (("县委宣传部", "县委网信办"), "负责“双减”舆论引导")]}),
    ("R39", "a note on the person in the bracket (女，回族), a Word file's duty paragraphs glued on one line",
     "关于调整某县“双减”工作领导小组成员的通知\n各乡镇人民政府，县政府各部门：\n调整后的组成人员如下：\n组长：张三同志（县人民政府县长）\n副组长：李四同志（县人民政府副县长）\n成员：赵六（女，县委宣传部副部长）、马丽（回族，县民宗局副局长）、孙八（县财政局副局长）\n附件\n某县“双减”工作职责分工\n县教育局：牵头负责“双减”工作的统筹协调；负责校内减负提质。县财政局：负责落实课后服务经费保障。县市场监管局：负责校外培训收费监管。\n",
     {"people": [("组长", "张三", ["县人民政府县长"]), ("成员", "赵六", ["县委宣传部副部长"]),
                 ("成员", "马丽", ["县民宗局副局长"]), ("成员", "孙八", ["县财政局副局长"])],
      "duties": [(("县教育局",), "牵头负责“双减”工作的统筹协调；负责校内减负提质。"), (("县财政局",), "负责落实课后服务经费保障"),
                 (("县市场监管局",), "负责校外培训收费监管")],
      "duty_count": 3}),
    ("R40", "a 工作专班 with 班长/副班长, work groups numbered with their leader and units after a comma, "
            "addressees with a bracket holding 、",
     "中共某市委办公室 某市人民政府办公室\n关于成立某市校外培训监管工作专班的通知\n市委各部委，市级国家机关各部门，各县（市、区）党委和人民政府：\n为做好校外培训监管工作，经市委、市政府同意，成立某市校外培训监管工作专班。现将有关事项通知如下。\n一、专班组成\n班　长：陈建华　市委常委、常务副市长\n副班长：刘志强　市人民政府副市长\n　　　　黄　明　市教育局党组书记、局长\n成　员：何立新　市委宣传部副部长\n　　　　许　晴　市公安局副局长\n（一）综合协调组。组长：黄明（兼），成员单位：市教育局、市财政局、市人力社保局。\n（二）执法检查组。组长：许晴（兼），成员单位：市公安局、市市场监管局、市文广旅体局。\n二、主要职责\n（一）市教育局：负责专班日常工作。\n",
     {"people": [("班长", "陈建华", ["市委常委", "常务副市长"]), ("副班长", "刘志强", ["市人民政府副市长"]),
                 ("副班长", "黄明", ["市教育局党组书记", "局长"]), ("成员", "许晴", ["市公安局副局长"]),
                 ("组长", "黄明", []), ("组长", "许晴", [])],
      "units": [("other", "市人力社保局"), ("other", "市文广旅体局")],
      "parents": {"综合协调组": "某市校外培训监管工作专班", "执法检查组": "某市校外培训监管工作专班"},
      "doc": {"addressees": ["市委各部委", "市级国家机关各部门", "各县（市、区）党委和人民政府"]}}),
]



def _members(rec):
    for b in rec["bodies"]:
        for m in b["members"]:
            yield b["kind"], m["role"], m["name"], m["posts"]


def check(rec, exp) -> list[str]:
    bad = []
    members = list(_members(rec))
    for role, name, posts in exp.get("people", []):
        hit = [m for m in members if m[1] == role and m[2] == name and (posts is None or m[3] == posts)]
        if not hit:
            bad.append(f"missing member {role} {name} {posts or ''}")
    for name in exp.get("no_people", []):
        if any(m[2] == name for m in members):
            bad.append(f"spurious member {name}")
    if "bodies" in exp:
        kinds = Counter(b["kind"] for b in rec["bodies"])
        for k, n in exp["bodies"].items():
            if kinds.get(k, 0) != n:
                bad.append(f"bodies {k}: {kinds.get(k, 0)} != {n}")
    units = {(b["kind"], u["name"]) for b in rec["bodies"] for u in b["member_units"]}
    for ku in exp.get("units", []):
        if ku not in units:
            bad.append(f"missing unit {ku}")
    for u in exp.get("no_units", []):
        if any(x[1] == u for x in units):
            bad.append(f"spurious unit {u}")
    duties = [(tuple(d["units"]), d["text"]) for d in rec["duties"]]
    for us, prefix in exp.get("duties", []):
        if not any(d[0] == us and d[1].startswith(prefix) for d in duties):
            bad.append(f"missing duty {us} {prefix}…")
    parents = {b["name"]: b["parent"] for b in rec["bodies"]}
    for name, parent in exp.get("parents", {}).items():
        if parents.get(name, "(no such body)") != parent:
            bad.append(f"{name}: parent {parents.get(name, '(no such body)')}, want {parent}")
    if "duty_count" in exp and len(duties) != exp["duty_count"]:
        bad.append(f"{len(duties)} duties, want {exp['duty_count']}: {duties}")
    for u in exp.get("no_duty_units", []):
        if any(u in d[0] for d in duties):
            bad.append(f"spurious duty unit {u}")
    for f, v in exp.get("doc", {}).items():
        if rec["document"].get(f) != v:
            bad.append(f"document.{f} = {rec['document'].get(f)!r}, want {v!r}")
    return bad



@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_layout(case):
    cid, cause, text, expected = case
    record = record_data(run(text.encode("utf-8"), cid).notice)
    assert check(record, expected) == [], cause
