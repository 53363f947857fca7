"""People in rosters: what a name is, what a post is, and how one roster entry reads.

`PersonReader.entries("蒋海燕 区委常委、宣传部部长")` -> [("蒋海燕", ["区委常委", "宣传部部长"])];
`entries("陈芸副省长")` -> [("陈芸", ["副省长"])]; `entries("彭景坤 易肇沅 周杏武")` -> three names.
"""
from __future__ import annotations

import re
import sys

from ..grammar import PeopleRules, words
from ..layouts import ENTRY_FORMS
from .entry_forms import Entry
from .units import UnitReader, split_outside_brackets

_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff·•]+$")
_POST_SPLIT = re.compile(r"[、]")
_SEMICOLON = re.compile(r"[；;]")
_AND = re.compile(r"[、和及]")
_NOTE_END = re.compile(r"[，,、；;]")  # what ends a note on the person (女，…)
_NOTE_MAX = 5  # characters of a note at most (维吾尔族)
_NAME_NOTE = re.compile(r"^(?P<name>[^\s（(]{2,5})[（(](?P<note>[^()（）]{1,12})[)）]\s*")
_CONCURRENT = re.compile(r"[，,]\s*兼任?$")  # 县教育局局长，兼: the post is held alongside, no post of its own
_LAST_BRACKET = re.compile(r"[（(](?P<inside>[^（()）]*)[)）]$")
# A phone number's run of digits, before its pattern is tried. (\d then \d{5}: a pattern that
# opens with a class is scanned for it in C; one that opens with a repeat, as \d{6} would, is
# tried at every position of the text. Several patterns here are written so, for that reason.)
_DIGITS = re.compile(r"\d\d{5}")
_LOOSE_MAX = 12  # characters of a name at most (a transliterated one, with its middle dot)
_NAMES_MAX = 8192  # tokens whose is_name answer is kept (a batch reads thousands of notices)
_COMRADE = re.compile(r"(?<=[\u4e00-\u9fff])同志(?=[\s（(，,、：:；;]|$)")


def _without_comrade(text: str) -> str:
    """`刘国强同志（县委常委）` -> `刘国强（县委常委）`; a text without 同志 skips the regex."""
    return _COMRADE.sub("", text) if "同志" in text else text


def _joined(spaced: re.Match) -> str:
    """`张　三` -> `张三`: the surname and the given name of a spaced name."""
    return spaced[1] + spaced[2]


def _import_jieba():
    """`import jieba`, with pkg_resources hidden while it imports.

    jieba 0.42.1 (its last release) finds its data files through pkg_resources when it can
    import it: 90 ms of start-up, and a deprecation warning on stderr with newer setuptools.
    Hidden, jieba takes its own fallback (plain files beside its modules), the path it takes
    anyway where setuptools ≥ 81 no longer ships pkg_resources."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes the import fail
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def _meets(reads: dict, marks: frozenset[str], tokens: int) -> bool:
    """An entry that holds `marks` and `tokens` words (4: four or more) meets a form's rule."""
    needs = reads.get("needs")
    return ((needs is None or not marks.isdisjoint(needs))
            and reads.get("tokens", tokens) == tokens and tokens >= reads.get("min_tokens", 0))


class PersonReader:
    """Reads names and posts with one grammar's rules; build it once per grammar."""

    def __init__(self, rules: PeopleRules, units: UnitReader) -> None:
        self.units = units
        self._surnames = set(rules.surnames.replace(" ", ""))
        self._compound = set(rules.compound_surnames)
        self._post_start = re.compile(rf"^(?:{words(rules.post_starts)})")
        self._post_end = re.compile(rf"(?:{words(rules.post_ends)})$")
        self._post_end_anywhere = re.compile(rf"(?:{words(rules.post_ends)})")
        # 长 and 员 alone end many names too (王志长); a surnamed short token needs a longer end.
        self._strong_post_end = re.compile(
            rf"(?:{words([w for w in rules.post_ends if len(w) >= 2])})$")
        self._not_names = set(rules.not_names)
        self._person_note = rules.person_note.regex
        self._contact = rules.contact.regex
        self._titles = frozenset(rules.post_titles)
        self.post_end_chars = "".join(sorted({w[-1] for w in rules.post_ends}))  # 长, 任, 记 …
        surnames = self.surname_chars = "".join(sorted(self._surnames | {c[0] for c in self._compound}))
        # A title's last character then a surname (副市长陈文亮, 县长 李明), or two names first
        # (谭兵 颜钊市民政局…): character classes only, a cheap gate before the glued reading.
        # Two patterns, not one alternation: one that opens with a class is scanned for it.
        self._title_then_surname = re.compile(rf"[{re.escape(self.post_end_chars)}]\s?[{surnames}]")
        self._two_names_first = re.compile(rf"[{surnames}][^\s]{{1,3}}\s[{surnames}]")
        # A surname at the text's start or after white space, then white space and one character
        # at the end or before white space: (?<!\S.) looks behind the surname, so that the
        # pattern opens with the surname class and is scanned for it (a look-behind first was
        # tried at every position).
        self._spaced_name = re.compile(rf"([{surnames}])(?<!\S.)\s+([\u4e00-\u9fff])(?!\S)")
        self._dictionary = frozenset(rules.post_titles + rules.post_starts + units.rules.suffixes)
        self._jieba = None
        self._names: dict[tuple[str, bool, bool], bool] = {}
        self.forms = ENTRY_FORMS.ordered([form.name for form in rules.entry_forms])
        # The forms, in order, that can read an entry of each shape (see forms_for): at most one
        # key for each set of the marks the rules name and each count of words up to 4.
        self._forms_for: dict[tuple[frozenset[str], int], tuple] = {}
        self._marks = re.compile("[" + re.escape("".join(sorted(
            {c for reads in ENTRY_FORMS.reads.values() for c in reads.get("needs", "")}))) + "]")

    def has_surname(self, name: str) -> bool:
        return name[:2] in self._compound or name[:1] in self._surnames

    def is_name(self, token: str, strict: bool = False, loose: bool = False) -> bool:
        """A person's name: 2-4 Chinese characters, not a post or unit word.

        `strict` wants a known surname (a name glued to nothing that says it is a name).
        `loose`, for a name the layout marks (before a post, in a table cell, before 同志),
        also takes four characters without a surname (扎西顿珠) and transliterated names
        with a middle dot (买买提·吐尔逊). The entry forms ask about the same tokens in turn
        (and the glued reading about the same two or three characters): answered once."""
        key = (token, strict, loose)
        known = self._names.get(key)
        if known is None:
            if len(self._names) >= _NAMES_MAX:
                self._names.clear()
            known = self._names[key] = self._is_name(token, strict, loose)
        return known

    def _is_name(self, token: str, strict: bool, loose: bool) -> bool:
        longest = _LOOSE_MAX if loose and "·" in token else (5 if loose else 4)
        if not (2 <= len(token) <= longest) or not _CJK_ONLY.match(token) or token in self._not_names:
            return False
        if token.startswith("·") or token.endswith("·"):
            return False
        surname = self.has_surname(token)
        if surname and len(token) <= 3:
            if self._strong_post_end.search(token):
                return False
        elif self.is_post(token):
            return False
        if loose:
            return True
        if len(token) == 4 and token[:2] not in self._compound:
            strict = True
        return surname if strict else True

    def is_post(self, token: str) -> bool:
        """A post (职务) or a unit: 县教育局局长, 副区长候选人, (市市政局)."""
        token = token.strip("()（）")
        if len(token) < 2:
            return False
        return bool(self._post_end.search(token) or self.units.is_unit(token)
                    or (len(token) >= 4 and self._post_start.match(token)))

    def has_title(self, text: str) -> bool:
        """The text ends with a title word: 县公安局分管局长, not 县公安局."""
        return bool(self._post_end.search(text))

    def is_title(self, token: str) -> bool:
        """A title alone, with no unit: 局长, 副局长, 股长, 主任科员."""
        return token in self._titles or (len(token) <= 5 and bool(self._post_end.search(token))
                                         and not self.units.is_unit(token))

    def completes_post(self, post: str, fragment: str) -> bool:
        """`副局` + `长`: a post cut off at a line end, which the fragment completes
        (`…副局长` + `吕` is a complete post and a cut name)."""
        return not self._post_end.search(post) and bool(self._post_end.search(post + fragment))

    def split_glued(self, token: str) -> tuple[str, str] | None:
        """`陈芸副省长` -> (陈芸, 副省长); `王小平局长` -> (王小平, 局长).

        jieba, with a dictionary of titles, level words and unit suffixes from the grammars,
        finds the first word of the post; what stands before it must be a surnamed name."""
        if len(token) < 4 or not _CJK_ONLY.match(token) or not self.has_surname(token) \
                or not (self._post_end.search(token) or self.units.is_unit(token)):
            return None  # no title or unit at its end: nothing glued (and jieba stays unloaded)
        tokenizer = self._tokenizer()
        pos = 0
        for word in tokenizer.lcut(token, HMM=False):
            if pos >= 2 and word in self._dictionary:
                name, post = token[:pos], token[pos:]
                if self.is_name(name, strict=True) and self.is_post(post):
                    return name, post
            pos += len(word)
        return None

    def _tokenizer(self):
        """A jieba tokenizer over the domain dictionary only, built on first use in ~1 ms.

        The dictionary is handed over in memory: jieba's default dictionary (600 ms, 75 MB)
        is never loaded and no cache file is written to the temporary directory."""
        if self._jieba is None:
            import io

            jieba = _import_jieba()
            tokenizer = jieba.Tokenizer(dictionary=None)
            data = "\n".join(f"{w} 1000" for w in sorted(self._dictionary)).encode("utf-8")
            tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(io.BytesIO(data))
            tokenizer.initialized = True
            self._jieba = tokenizer
        return self._jieba

    def posts(self, text: str) -> list[str]:
        """Posts split on 、: `区委常委、宣传部部长` -> [区委常委, 宣传部部长]; parentheses dropped;
        a note on the person first (`女，县委宣传部副部长`, `回族`) is no post."""
        text = "".join(text.split()).rstrip("；;。，,、")  # 王刚，县长； the entry's end mark, no part of the post
        if text[:1] in "(（" and text[-1:] in ")）":
            text = text[1:-1]  # (市市政局); 县教育局局长（兼） keeps its bracket
        if _DIGITS.search(text):
            text = self._contact.sub("", text)  # 县教育局股长，电话：138…: the post alone
        if text.endswith(("兼", "兼任")):
            text = _CONCURRENT.sub("", text)
        while text:  # a note is a few characters: looked for at the start only
            cut = _NOTE_END.search(text, 0, _NOTE_MAX + 1)
            note, rest = (text[:cut.start()], text[cut.end():]) if cut else (text, "")
            if len(note) > _NOTE_MAX or not self._person_note.match(note):
                break
            text = rest
        return [p for p in split_outside_brackets(text, "、") if p]

    def entries(self, text: str) -> list[tuple[str, list[str]]] | None:
        """Read one roster entry (after any role label); None when the text is no entry."""
        found = self.read_entry(text)
        return found[1] if found else None

    def read_entry(self, text: str) -> tuple[str, list[tuple[str, list[str]]]] | None:
        """(entry form, people) of the first form in people.yaml's order that reads `text`."""
        # 刘国强同志（县委常委）/ 曾卫东同志 县政府办副主任: 同志 after a name is no part of it;
        # 张　三 (a two-character name spaced to the width of three) is one name.
        # (A function, not the template r"\1\2": re looks a template up in a cache by its
        # pattern, hashing this one, surname class and all, on every call.)
        text = text.strip()
        if "同志" in text:  # (_without_comrade written out: every entry comes here)
            text = _COMRADE.sub("", text)
        text = self._spaced_name.sub(_joined, text)
        # 李丽（女，苗族） 县人民政府副县长: a note on the person after the name is no post.
        noted = _NAME_NOTE.match(text)
        if noted and all(self._person_note.match(p) for p in _NOTE_END.split(noted.group("note"))):
            text = f"{noted.group('name')} {text[noted.end():]}".strip()
        if text.endswith((")", "）")) and _DIGITS.search(text):
            # 龚丽（电话：13912345678）: contact details in brackets after the entry are none of it
            bracket = _LAST_BRACKET.search(text)
            if bracket and self._contact.fullmatch(bracket.group("inside")):
                text = text[:bracket.start()].rstrip()
        if not text:
            return None
        entry = Entry(text)
        for name, form in self.forms_for(entry):
            found = form(entry, self)
            if found:
                return name, found
        return None

    def forms_for(self, entry: Entry) -> tuple:
        """The entry forms, in people.yaml's order, whose rule the entry meets (entry_forms.py:
        `needs`, `tokens`, `min_tokens`): `冯吉光 县委常委、县委宣传部部长` (two words, a 、) is
        not offered the forms that need brackets, a ；, a tab, one word or three."""
        key = (frozenset(self._marks.findall(entry.text)), min(len(entry.tokens), 4))
        forms = self._forms_for.get(key)
        if forms is None:
            marks, tokens = key
            forms = self._forms_for[key] = tuple(
                (name, form) for name, form in self.forms
                if _meets(ENTRY_FORMS.reads[name], marks, tokens))
        return forms

    def glued(self, text: str) -> list[tuple[str, list[str]]] | None:
        """People whose names and posts are glued together, as Word text loses its breaks:
        `万五龙市政协副主席、市教体局副局长陈文亮市人民政府副秘书长` -> two people; names written
        first and their posts after, in order (`谭应兵 颜鸿钊市民政局副局长市工商局副局长`), are
        paired in order. None unless the whole text reads so, as two people or more."""
        items = self._glued_items(text.strip())
        if items is None:
            return None
        groups: list[tuple[list[str], list[str]]] = []  # names, then the posts after them
        k = 0
        while k < len(items):
            names = []
            while k < len(items) and items[k][0] == "name":
                names.append(items[k][1])
                k += 1
            posts = []
            while k < len(items) and items[k][0] == "post":
                posts.append(items[k][1])
                k += 1
            if not names or not posts or len(names) not in (1, len(posts)):
                return None
            groups.append((names, posts))
        # One person a name (one name takes all the posts after it): counted before the posts
        # are read, as most entries that get here are one person (冯吉光 县委常委、县委宣传部部长).
        if sum(len(names) for names, _ in groups) < 2:
            return None
        people: list[tuple[str, list[str]]] = []
        for names, posts in groups:
            if len(names) == 1:
                people.append((names[0], [p for post in posts for p in self.posts(post)]))
            else:
                people.extend((n, self.posts(p)) for n, p in zip(names, posts))
        return people

    def may_be_glued(self, text: str) -> bool:
        """A title word followed by a surname, where one glued person may end and the next begin
        (`副市长陈文亮`, `县长 李明`), or two names first (`谭兵 颜钊…`): without either, `glued`
        cannot read two people."""
        return (self._title_then_surname.search(text) is not None
                or self._two_names_first.match(text) is not None)

    def _glued_items(self, text: str) -> list[tuple[str, str]] | None:
        """`王刚市长李明副市长` -> [(name, 王刚), (post, 市长), (name, 李明), (post, 副市长)]."""
        items: list[tuple[str, str]] = []
        i, n = 0, len(text)
        while i < n:
            if text[i] in "、，, ":
                if items and items[-1][0] == "post" and text[i] == "、":
                    kind, post = items.pop()
                    end = self._post_end_at(text, i + 1)
                    if end is None:
                        return None
                    items.append(("post", post + "、" + text[i + 1:end]))
                    i = end
                else:
                    i += 1
                continue
            name = self._name_at(text, i)
            if name:
                items.append(("name", name))
                i += len(name)
                continue
            end = self._post_end_at(text, i)
            if end is None:
                return None
            items.append(("post", text[i:end]))
            i = end
        return items

    def _name_at(self, text: str, i: int) -> str | None:
        """A surnamed name of 2 or 3 characters at `i`, followed by a post, a separator or the end."""
        for size in (3, 2):
            name = text[i:i + size]
            rest = text[i + size:]
            if size == 3 and self._post_start.match(text[i + 2:]):
                continue  # 李明副县长: 副 opens the post
            if len(name) == size and self.is_name(name, strict=True) \
                    and (not rest or rest[0] in "、，, " or self._post_start.match(rest)
                         or size == 3 and self._name_at(rest, 0)):
                return name
        return None

    def _post_end_at(self, text: str, i: int) -> int | None:
        """Where the post that starts at `i` ends: after a title word followed by a name, another
        post, a separator or the end."""
        for m in self._post_end_anywhere.finditer(text, i):
            end = m.end()
            rest = text[end:]
            if not rest or rest[0] in "、，, " or self._name_at(text, end) or self._post_start.match(rest):
                return end
        return None

    def people(self, text: str) -> list[tuple[str | None, list[str]]]:
        """Everyone in `县教育局副局长胡蓉、县市场监管局副局长戴伟`: one (name, posts) each; a
        list of posts with no names (县委常委、县委宣传部部长) stays one unnamed holder. A post
        written once before several names is each one's: `副市长王刚、李明` -> both 副市长."""
        parts = [p for p in _AND.split("".join(text.split())) if p]
        if len(parts) > 1:
            found = [self.who(p) for p in parts]
            if all(name for name, _ in found):
                for k in range(1, len(found)):
                    if not found[k][1] and found[k - 1][1]:
                        found[k] = (found[k][0], found[k - 1][1])
                return found
        return [self.who(text)]

    def segments(self, text: str) -> list[tuple[str, list[str]]] | None:
        """Entries separated by ；: `县委常委 李四；县人民政府副县长 王五` -> two members."""
        parts = [p.strip() for p in _SEMICOLON.split(text) if p.strip()]
        if len(parts) < 2:
            return None
        found = [self.entries(p) for p in parts]
        if not all(found):
            return None
        return [entry for entries in found for entry in entries]

    def who(self, text: str) -> tuple[str | None, list[str]]:
        """The person in `由县科协主席卢兴仙兼任`: (卢兴仙, [县科协主席]); a post alone: (None, [post])."""
        written = "".join(text.split())
        text = _without_comrade(written)
        # 唐华镁同志: 同志 marks a person, whatever the surname.
        if self.is_name(text, strict=written == text, loose=written != text):
            return text, []
        if text.endswith(("）", ")")):  # 由李四同志（副县长）接任: the post in brackets after the name
            noted = _NAME_NOTE.match(text)
            if noted and noted.end() == len(text) and self.is_name(noted.group("name"), loose=True):
                return noted.group("name"), self.posts(noted.group("note"))
        # 教育局局长傅建军: the name is what follows the last title word.
        for m in reversed(list(self._post_end_anywhere.finditer(text))):
            name, post = text[m.end():], text[: m.end()]
            if len(name) > _LOOSE_MAX:
                break  # longer still after every earlier title word: no name (a unit list)
            if self.is_name(name, loose=True):
                return name, self.posts(post)
        return None, self.posts(written) if written else []
