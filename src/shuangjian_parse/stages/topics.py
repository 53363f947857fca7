"""Stage: the policy areas a notice is about (议题), from grammars/topics.yaml.

    reader = TopicReader(grammar.topics)
    extract_topics(text, document, layout, bodies, reader)
    # [Topic(name='双减', words=['双减']), Topic(name='校外培训', words=['双减']), Topic(name='教育', …)]

A notice states its subject in its title, in the names of the bodies it sets up, in its
attachments' titles and in its opening lines (为……，决定成立……); a topic holds when one of
its words is there. Words met only further down — a member unit's name (县卫生健康委), a
duty — decide nothing: every notice lists the same departments. A topic implies others
(双减 → 校外培训, 教育); an implied topic carries the words that decided the one implying it.
"""
from __future__ import annotations

import re

from ..grammar import TopicRules, first_characters
from ..models import Body, Document, Text, Topic
from ..prefilter import CharacterTest
from .document import Layout


class TopicReader:
    """Every topic word in one pattern, each word mapped to its topics."""

    def __init__(self, rules: TopicRules) -> None:
        self.rules = rules
        self._topics: dict[str, list[str]] = {}
        for topic in rules.topics:
            for word in topic.words:
                self._topics.setdefault(word, []).append(topic.name)
        self._words = re.compile(_trie(sorted(self._topics)))
        self._unit_after = rules.unit_after.regex
        self._numbered = rules.numbered.regex
        # what a match of each can start with, told of a character before the pattern is called
        self._unit_starts = CharacterTest.starting(first_characters(rules.unit_after.pattern))
        self._numbered_starts = CharacterTest.starting(first_characters(rules.numbered.pattern))
        self._opening_lines = rules.opening_lines   # (read once: a rule's attribute costs a hook)
        implies = {t.name: t.implies for t in rules.topics}
        # Each topic with every topic it implies, directly or not: 双减 → 双减, 校外培训, 教育.
        self._closure: dict[str, list[str]] = {}
        for name in implies:
            closure, todo = [], [name]
            while todo:
                topic = todo.pop(0)
                if topic not in closure:
                    closure.append(topic)
                    todo += implies[topic]
            self._closure[name] = closure
        self._order = {t.name: i for i, t in enumerate(rules.topics)}

    def topics(self, subject: str) -> list[Topic]:
        """The topics of a subject text: `topics("关于成立县“双减”工作领导小组的通知")`."""
        found: dict[str, list[str]] = {}
        seen = dict.fromkeys(m.group() for m in self._words.finditer(subject)
                             if not self._before_unit(subject, m.end()))  # 城乡建设厅
        for word in seen:
            for name in self._topics[word]:
                for topic in self._closure[name]:
                    found.setdefault(topic, []).append(word)
        return [Topic(name=name, words=list(dict.fromkeys(found[name])))
                for name in sorted(found, key=self._order.__getitem__)]

    def _before_unit(self, subject: str, end: int) -> bool:
        """An organ's suffix follows the word ending at `end` (unit_after)."""
        starts = self._unit_starts
        return ((starts is None or starts[subject[end:end + 1]])
                and self._unit_after.match(subject[end:end + 3]) is not None)

    def _is_numbered(self, line: str) -> bool:
        starts = self._numbered_starts
        return (starts is None or starts[line[:1]]) and self._numbered.match(line) is not None

    def opening(self, text: Text, layout: Layout) -> list[str]:
        """The lines before the main text (header, title, addressees) and its first lines, but
        for numbered items."""
        count = self._opening_lines
        lines = [line.text for line in text.lines[:layout.body_start]]
        # a few lines further at most: a list of numbered items is no opening, however long
        rest = text.lines[layout.body_start:layout.body_start + 3 * count]
        return lines + [ln.text for ln in rest if not self._is_numbered(ln.text)][:count]


def _trie(words: list[str]) -> str:
    """The words as one regex with shared prefixes factored out, longest match first:
    `_trie(["学生", "学校", "学前教育"])` == '学(?:前教育|校|生)'. A plain alternation of some
    hundred words is tried word by word at every position that starts one (学, 教, 中 …)."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return pattern(tree)


def extract_topics(text: Text, document: Document, layout: Layout, bodies: list[Body],
                   reader: TopicReader) -> list[Topic]:
    """The notice's topics, from its title, bodies' and attachments' names and opening lines."""
    return reader.topics("\n".join([document.title or "", *(b.name for b in bodies),
                                    *(a.title for a in document.attachments), *reader.opening(text, layout)]))


def check_topics(rules: TopicRules) -> list[str]:
    """Each topic's examples (subjects that must, or must not, be given it), as problems."""
    reader = TopicReader(rules)
    problems = []
    for topic in rules.topics:
        for example in topic.examples.match:
            if topic.name not in {t.name for t in reader.topics(example)}:
                problems.append(f"{topic.name}: not given to {example!r}")
        for example in topic.examples.no_match:
            if topic.name in {t.name for t in reader.topics(example)}:
                problems.append(f"{topic.name}: given to {example!r}, which it must not be")
    return problems
