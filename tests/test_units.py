"""Unit lists (stages/units.py): splitting, shared prefixes and shared tails."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text, units", [
    # a level prefix written once governs the bare names after it, up to the next ，
    ("市委宣传部、网信办，市工业和信息化局、司法局、商务局",
     ["市委宣传部", "市委网信办", "市工业和信息化局", "市司法局", "市商务局"]),
    ("县委组织部、统战部、政法委,县发展改革局、外贸局、粮食局",
     ["县委组织部", "县委统战部", "县委政法委", "县发展改革局", "县外贸局", "县粮食局"]),
    ("某某县教委、公安局、财政局及县妇联", ["某某县教委", "某某县公安局", "某某县财政局", "县妇联"]),
    # names with a place of their own, complete names and a province's bare names stay as written
    ("区教育局、区应急管理局、东山公安分局、区住建局", ["区教育局", "区应急管理局", "东山公安分局", "区住建局"]),
    ("县财政局、东湖生态环境局、县水利局", ["县财政局", "东湖生态环境局", "县水利局"]),
    ("省发展改革委、教育厅、卫生健康委", ["省发展改革委", "教育厅", "卫生健康委"]),
    ("团县委、妇联", ["团县委", "妇联"]),
    # a bare name that starts like a place (市场) is still a bare name
    ("州金融办、市场监管局、公安局", ["州金融办", "州市场监管局", "州公安局"]),
    # stems take the generic word their 等 names, as a tail written once is shared; no level prefix
    ("市场监管、教育、公安等部门", ["市场监管部门", "教育部门", "公安部门"]),
    ("县教育局、县财政局等单位", ["县教育局", "县财政局"]),
    ("宣传、网信部门", ["宣传部门", "网信部门"]),
    # a party committee alone is a unit, not a stem that takes the tail after it
    ("县委、县政府", ["县委", "县政府"]),
    # groups that each end with who stands for their units are cut at each end
    ("县水利局、县妇联分管负责同志，各乡镇分管负责同志。", ["县水利局", "县妇联", "各乡镇"]),
    # …but not when one of them ends otherwise (a sentence follows: no list of units)
    ("县委、县政府有关领导同志，具体由县委研究确定", ["县委", "县政府有关领导同志"]),
])
def test_split(parser, text, units):
    assert parser.units.split(text) == units
