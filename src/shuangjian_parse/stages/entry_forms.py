"""Roster entry forms: how one roster entry (the text after a role label) splits into people.

Each form is one function, `(entry, people) -> [(name, posts), …] | None`, registered under the
name that `grammars/people.yaml` lists in `entry_forms` with its examples; `PersonReader.entries`
tries them in that order and the first that reads the entry wins. To add a form: write the
function here, list it in people.yaml where it must be tried, give it two examples.

A rule may say what an entry needs for the form to read it, as the first tests its function
makes (`needs="；;"`: one of these characters; `tokens=1`: so many words, 1 to 3;
`min_tokens=2`: at least so many): an entry without it is not offered to the form
(PersonReader.forms_for). Most entries are offered 4 or 5 forms of the first 11, not all.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..layouts import ENTRY_FORMS

if TYPE_CHECKING:
    from .people import PersonReader

Entries = list[tuple[str | None, list[str]]]  # a name is None where only a post is named

_LIST_MARK = re.compile(r"[、，,]")
_LIST_SPLIT = re.compile(r"[、，,\s]+")
_COMMA = re.compile(r"[，,]")
_PHONE = re.compile(r"^[\d\-－—()（）]{7,}$")
_PHONE_START = "-－—()（）"  # or a digit
# A token that is a phone number (see _is_phone), anywhere in an entry: the class first, then
# the look-behind past it, so that the engine scans for the class (a pattern that opens with a
# look-behind or a repeat is tried at every position).
_PHONE_TOKEN = re.compile(r"[\d\-－—()（）](?<!\S.)[\d\-－—()（）]{6,}(?!\S)")
# The post may hold brackets of its own: a pinyin note a mirror site left (市農業(yè)農村局).
_POST_IN_BRACKETS = r"[（(](?P<post>(?:[^()（）]|[（(][^()（）]*[)）])*)[)）]"
_NAME_POST_PAREN = re.compile(rf"^(?P<name>[^()（）\s][^()（）]{{0,13}}?)\s*{_POST_IN_BRACKETS}$")
_NAME_THEN_POST = re.compile(r"^(?P<name>[\u4e00-\u9fff·]{2,5})[，,：:](?P<post>\S+)$")
# 梁志明(县交警大队) 黎国强(新村): entries in brackets one after another, spaces between or none.
# Words of a sentence, not of a post: 各单位要确定一名同志担任联络员.
_CLAUSE = re.compile(r"要|应|须|由|担任|兼任|确定|推荐")
_HELD_BY = re.compile(r"^由(?P<who>[^，。；,;]{2,40}?)(?:同志)?(?:兼任|担任)[。；;]?$")
_SHORT_NOTE = re.compile(r"[（(][^()（）]{1,4}[)）]$")  # 王五（常务）: a note after a name
# 陈一 县委办副主任、刘二 县政府办副主任: a list mark before a name and a space starts an entry.
_NEXT_ENTRY = re.compile(r"[、，,]\s*(?=[\u4e00-\u9fff·]{2,5}\s)")
_HEAD_COLON = re.compile(r"^(?P<head>[^：:\s]{2,30})\s*[：:]\s*(?P<rest>\S.*)$")  # 县教育局：赵六（局长）
_BRACKETED = re.compile(rf"(?P<name>[^()（）\s、，,；;]{{2,12}}?)\s*{_POST_IN_BRACKETS}")


def _is_phone(token: str) -> bool:
    """`13800000000`: looked for only in a token that starts as one does (most are words)."""
    return (token[0] in _PHONE_START or token[0].isdigit()) and _PHONE.match(token) is not None


class Entry:
    """One roster entry, `同志` after a name already dropped: `王刚 县长` (tokens 王刚, 县长).

    `tokens` are its words between white space, a phone number (13800000000) left out: split
    when the entry is made (str.split() splits on the white space \\s matches, in C), as most
    forms read them, and a plain attribute costs each reading less than a property."""

    __slots__ = ("text", "tokens")

    def __init__(self, text: str) -> None:
        self.text = text
        tokens = text.split()
        if _PHONE_TOKEN.search(text):  # most entries hold no phone number: no token is tested
            tokens = [t for t in tokens if not _is_phone(t)]
        self.tokens: list[str] = tokens


def _compact(text: str) -> str:
    return "".join(text.split())


@ENTRY_FORMS.rule("separated_by_semicolons", needs="；;")
def separated_by_semicolons(entry: Entry, people: PersonReader) -> Entries | None:
    """`县委常委 李四；县人民政府副县长 王五`: each part an entry of its own."""
    if "；" not in entry.text and ";" not in entry.text:
        return None
    return people.segments(entry.text)


@ENTRY_FORMS.rule("table_cells", needs="\t")
def table_cells(entry: Entry, people: PersonReader) -> Entries | None:
    """`蒋雪娇<TAB>副区长候选人`: the first cell the name, the others its posts."""
    if "\t" not in entry.text:
        return None
    cells = [c.strip() for c in entry.text.split("\t") if c.strip()]
    name = _compact(cells[0])
    if people.is_name(name, loose=len(cells) > 1):
        return [(name, people.posts("、".join(cells[1:])))]
    return None


@ENTRY_FORMS.rule("name_with_post_in_brackets", needs="）)")
def name_with_post_in_brackets(entry: Entry, people: PersonReader) -> Entries | None:
    """`孙会方(县委常委、县政府常务副县长)`: one name, its posts in brackets."""
    m = _NAME_POST_PAREN.match(entry.text) if ")" in entry.text or "）" in entry.text else None
    if m and people.is_name(_compact(m.group("name")), loose=True):
        return [(_compact(m.group("name")), people.posts(m.group("post")))]
    return None


@ENTRY_FORMS.rule("several_names_with_posts_in_brackets", needs="）)")
def several_names_with_posts_in_brackets(entry: Entry, people: PersonReader) -> Entries | None:
    """`何某(交警大队大队长) 李某(公安分局副局长)`, also with 、 or ， between: one entry each."""
    text = entry.text
    if text.count(")") + text.count("）") < 2:
        return None
    found, pos = [], 0
    for m in _BRACKETED.finditer(text):
        gap = text[pos:m.start()]
        if gap.strip(" 、，,；;") or not people.is_name(_compact(m.group("name")), loose=True):
            return None
        found.append((_compact(m.group("name")), people.posts(m.group("post"))))
        pos = m.end()
    if len(found) < 2 or text[pos:].strip(" 、，,；;。"):
        return None
    return found


@ENTRY_FORMS.rule("several_names", min_tokens=2)
def several_names(entry: Entry, people: PersonReader) -> Entries | None:
    """`彭景坤 易肇沅 周杏武`: names alone, between spaces."""
    tokens = entry.tokens
    if len(tokens) >= 2 and all(map(people.is_name, tokens)) \
            and not any(map(people.is_post, tokens)):
        return [(t, []) for t in tokens]
    return None


@ENTRY_FORMS.rule("list_of_names", tokens=1, needs="、，,")
def list_of_names(entry: Entry, people: PersonReader) -> Entries | None:
    """`朱建英、雷永春、林建立`: names alone, between 、 or ，."""
    if len(entry.tokens) != 1 or not _LIST_MARK.search(entry.text):
        return None
    names = [n for n in _LIST_SPLIT.split(entry.text) if n]
    if len(names) >= 2 and all(people.is_name(n) for n in names):
        return [(n, []) for n in names]
    return None


@ENTRY_FORMS.rule("list_of_posts_with_names", needs="、，,")
def list_of_posts_with_names(entry: Entry, people: PersonReader) -> Entries | None:
    """`县委办公室副主任张三、县教育局局长李四`: each a post with the name after it, glued or
    after a space (`副局长　陈红、副局长　许文`)."""
    if not _LIST_MARK.search(entry.text):
        return None
    if len(entry.tokens) != 1:
        pairs = [part.split() for part in _LIST_MARK.split(entry.text)]
        if all(_post_space_name(pair, people) for pair in pairs):
            return [(name, people.posts(post)) for post, name in pairs]
        return None
    # 副县长李明，县教育局局长陈立: ， between people, 、 between one person's posts
    found = [p for part in _COMMA.split(entry.text) if part for p in people.people(part)]
    if len(found) >= 2 and all(name and posts for name, posts in found):
        return found  # type: ignore[return-value]
    return None


def _post_space_name(words: list[str], people: PersonReader) -> bool:
    """`基教股股长　马超` (its words): one post, a space, one name."""
    return len(words) == 2 and people.is_post(words[0]) and not people.is_post(words[1]) \
        and people.is_name(words[1], loose=True)


@ENTRY_FORMS.rule("posts_and_names_in_turn", min_tokens=4)
def posts_and_names_in_turn(entry: Entry, people: PersonReader) -> Entries | None:
    """`县应急管理局局长 古丽 县水利局局长 张强`: several people on one line, each post before its
    name."""
    tokens = entry.tokens
    if len(tokens) < 4 or len(tokens) % 2:
        return None
    pairs = list(zip(tokens[0::2], tokens[1::2]))
    if all(people.is_name(name, loose=True) and not people.is_post(name) and people.is_post(post)
           for post, name in pairs):
        return [(name, people.posts(post)) for post, name in pairs]
    return None


@ENTRY_FORMS.rule("names_with_posts_in_a_list", min_tokens=3, needs="、，,")
def names_with_posts_in_a_list(entry: Entry, people: PersonReader) -> Entries | None:
    """`陈一 县委办副主任、刘二 县政府办副主任`: entries `name posts` one after another between
    、 or ，, each name set apart from its posts by a space (the posts may hold 、 of their own)."""
    if len(entry.tokens) < 3 or not _LIST_MARK.search(entry.text):
        return None
    found: Entries = []
    for part in _NEXT_ENTRY.split(entry.text):
        name, _, posts = part.strip().partition(" ")
        posts = _compact(posts)
        if not posts or not people.is_name(name, loose=True) or not people.is_post(posts.split("、")[-1]):
            return None
        found.append((name, people.posts(posts)))
    return found if len(found) >= 2 else None


@ENTRY_FORMS.rule("names_glued_to_posts")
def names_glued_to_posts(entry: Entry, people: PersonReader) -> Entries | None:
    """`王刚 县长 李明 副县长`, `万五龙市政协副主席陈文亮市人民政府副秘书长`, `谭兵 颜钊市民政局副局长
    市工商局副局长`: several people, names and posts in turn or glued (Word text that lost its
    breaks); names written first and their posts after are paired in order."""
    return people.glued(entry.text) if people.may_be_glued(entry.text) else None


@ENTRY_FORMS.rule("name_then_posts", min_tokens=1)
def name_then_posts(entry: Entry, people: PersonReader) -> Entries | None:
    """`冯吉光  县委常委、县委宣传部部长`, also `查文斌，县人民政府副县长`: the name, then its posts."""
    tokens = entry.tokens
    if len(tokens) == 1:
        named = _NAME_THEN_POST.match(entry.text)
        if named and people.is_name(named.group("name"), loose=True):
            tokens = [named.group("name"), named.group("post")]
    if len(tokens) < 2 or not people.is_name(tokens[0], loose=True):
        return None
    rest = "".join(tokens[1:])
    posts = people.posts(rest)  # (a new list each call: the member keeps it)
    if people.is_post(rest) or any(people.is_post(p) for p in posts):
        return [(tokens[0], posts)]
    return None


@ENTRY_FORMS.rule("posts_then_name", min_tokens=2)
def posts_then_name(entry: Entry, people: PersonReader) -> Entries | None:
    """`县委副书记、县长　陆海`: the posts first, the name last."""
    tokens = entry.tokens
    if len(tokens) < 2 or people.is_name(tokens[0], loose=True) \
            or not people.is_name(tokens[-1], loose=True):
        return None
    rest = "".join(tokens[:-1])
    if all(people.is_post(p) for p in people.posts(rest)):
        return [(tokens[-1], people.posts(rest))]
    return None


@ENTRY_FORMS.rule("unit_name_title", tokens=3)
def unit_name_title(entry: Entry, people: PersonReader) -> Entries | None:
    """`县教育局 李明 局长`: a table of 单位 | 姓名 | 职务 that lost its columns; the post is the
    unit and the title (县教育局局长)."""
    tokens = entry.tokens
    if len(tokens) != 3 or not people.units.is_unit(tokens[0]) or not people.is_name(tokens[1], loose=True) \
            or not people.is_title(tokens[2]):
        return None
    return [(tokens[1], [tokens[0] + tokens[2]])]


@ENTRY_FORMS.rule("unit_or_post_then_name", needs="：:")
def unit_or_post_then_name(entry: Entry, people: PersonReader) -> Entries | None:
    """`县教育局：赵六（局长）`, `县公安局副局长：钱七`: a unit (its person's title in brackets
    after the name) or a post, then a colon and the person; the post is the unit and the title."""
    m = _HEAD_COLON.match(entry.text) if "：" in entry.text or ":" in entry.text else None
    if m is None:
        return None
    head, rest = m.group("head"), m.group("rest")
    unit = people.units.is_unit(head)
    bracketed = _NAME_POST_PAREN.match(rest)
    # 县委宣传部：周小平　新闻科科长　13800000001: the name, then the title after a space
    words = [t for t in rest.split() if not _is_phone(t)]
    spaced = unit and not bracketed and len(words) == 2 and people.is_post(words[1])
    name = _compact(bracketed.group("name") if bracketed else words[0] if spaced else rest)
    if not people.is_name(name, loose=True):
        return None
    if unit:
        title = bracketed.group("post") if bracketed else words[1] if spaced else ""
        return [(name, [head + t for t in people.posts(title)] or [head])]
    if bracketed is None and people.is_post(head):
        return [(name, people.posts(head))]
    return None


@ENTRY_FORMS.rule("name_alone", tokens=1)
def name_alone(entry: Entry, people: PersonReader) -> Entries | None:
    """`曹亚`: a name and nothing else (a known surname needed)."""
    tokens = entry.tokens
    if len(tokens) == 1 and people.is_name(tokens[0], strict=True):
        return [(tokens[0], [])]
    return None


@ENTRY_FORMS.rule("name_glued_to_post", tokens=1)
def name_glued_to_post(entry: Entry, people: PersonReader) -> Entries | None:
    """`陈芸副省长`, `黄琪玉省政府副秘书长`: no space between name and post."""
    tokens = entry.tokens
    if len(tokens) != 1:
        return None
    glued = people.split_glued(tokens[0])
    if glued:
        name, post = glued
        return [(name, people.posts(post))]
    return None



@ENTRY_FORMS.rule("posts_glued_to_name", tokens=1)
def posts_glued_to_name(entry: Entry, people: PersonReader) -> Entries | None:
    """`县委常委、副县长李四`, `县人民政府副县长王五（常务）`: the posts, then the name with no
    space; a short note in brackets after it (常务, 兼, 女) is left out."""
    tokens = entry.tokens
    if len(tokens) != 1 or not people.may_be_glued(tokens[0]):
        return None  # no title's last character before a surname: no name after the posts
    name, posts = people.who(_SHORT_NOTE.sub("", tokens[0]))
    if name and posts and people.is_name(name, strict=True) and all(map(people.is_post, posts)):
        return [(name, posts)]
    return None


@ENTRY_FORMS.rule("held_by")
def held_by(entry: Entry, people: PersonReader) -> Entries | None:
    """`由县长担任`, `由县委常委、副县长王刚兼任` after a role label: the post (and name) that holds
    the role."""
    m = _HELD_BY.match(_compact(entry.text))
    if m is None:
        return None
    found = [(name, posts) for name, posts in people.people(m.group("who")) if name or posts]
    return found if found and all(name or all(map(people.is_post, posts)) for name, posts in found) else None


# Forms that read an entry the source damaged: the bodies stage reports what they repaired (SJ306).
REPAIRS = {"unbalanced_bracket": "a bracket without its pair"}
_OPENERS, _CLOSERS = "（(", "）)"


@ENTRY_FORMS.rule("unbalanced_bracket", needs="（()）")
def unbalanced_bracket(entry: Entry, people: PersonReader) -> Entries | None:
    """`滕合方县政府办公室副主任)`, `孙海方(县委常委`: a bracket lost its pair in copying; the
    entry is read without the stray closing bracket, or with the missing one added."""
    text = entry.text
    opened = sum(text.count(c) for c in _OPENERS)
    closed = sum(text.count(c) for c in _CLOSERS)
    if opened == closed:
        return None
    if closed > opened and text[-1] in _CLOSERS:
        repaired = text[:-1]
    elif opened > closed:
        repaired = text + "）"
    else:
        return None
    found = people.read_entry(repaired)
    return found[1] if found else None


@ENTRY_FORMS.rule("post_only")
def post_only(entry: Entry, people: PersonReader) -> Entries | None:
    """`县公安局分管局长`, `县政府分管副县长`: a role held by a post, no person named (name null)."""
    text = "".join(entry.tokens)
    if "：" in text or ":" in text or not people.is_post(text) or not people.has_title(text) or _CLAUSE.search(text) \
            or people.who(text)[0] is not None:
        return None
    posts = people.posts(text)
    if any(map(people.units.is_unit, posts)):
        return None  # 市委组织部、市教育局…有关负责人: member units, not a post
    return _heads_of_units(people, posts) or [(None, posts)]


def _heads_of_units(people: PersonReader, posts: list[str]) -> Entries | None:
    """`县教育局局长、县财政局局长`: the same title in different units is held by different
    people, one member each (县委常委、县政府副县长, two titles, is one person)."""
    if len(posts) < 2:
        return None
    units = [people.units.unit_at_start(p) for p in posts]
    if not all(units) or len(set(units)) < len(units):
        return None
    titles = {p[len(u):] for p, u in zip(posts, units)}
    if len(titles) != 1 or not people.is_title(next(iter(titles))):
        return None
    return [(None, [p]) for p in posts]
