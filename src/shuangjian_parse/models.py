"""Every record `sj` emits: the notice record of RECORD.md (schema_version "1").

Field names are the output contract; the Chinese term of each field is in its description.
Models are frozen: a stage builds new ones, it never edits what an earlier stage returned.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

BodyKind = Literal[
    "leading_group", "coordination_mechanism", "joint_meeting", "office", "task_force", "other"
]
SectionKind = Literal[
    "organization", "duties", "rules", "requirements", "roster", "guidance", "other"
]
Severity = Literal["error", "warning", "info"]


class Record(BaseModel):
    """Base of every record: frozen, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Source(Record):
    """Where a record came from: `{path: samples/a.txt, encoding: gb18030, lines: 96}`."""

    path: str = Field(description="输入文件路径 (path of the input as given)")
    sha256: str = Field(description="原始字节的 SHA-256 (of the raw bytes)")
    encoding: str = Field(description="检测到的编码 (detected encoding: utf-8, utf-8-sig, gb18030, utf-16)")
    lines: int = Field(ge=0, description="解码后文本的行数 (line count of the decoded text)")


class Attachment(Record):
    """附件: `{index: 1, title: 陵川县“双减”工作部门职责分工}`; index null for a single 附件."""

    index: Optional[int] = Field(default=None, description="附件序号 (number, null when unnumbered)")
    title: str = Field(description="附件名称 (attachment title)")
    line: Optional[int] = Field(default=None, ge=1, description="行号 (1-based source line)")


class Document(Record):
    """公文要素 (GB/T 9704-2012): title, 发文字号, issuers, 成文日期, addressees, attachments."""

    title: Optional[str] = Field(default=None, description="标题 (title, joined across lines)")
    doc_number: Optional[str] = Field(default=None, description="发文字号 (e.g. 陵政办函〔2021〕45号)")
    issuers: list[str] = Field(default_factory=list, description="发文机关 (署名 / 版头 / 发文单位)")
    date: Optional[str] = Field(default=None, description="成文日期 (ISO date)")
    addressees: list[str] = Field(default_factory=list, description="主送机关 (addressees)")
    doc_type: Optional[str] = Field(default=None, description="文种 (通知, 方案, 意见, 决定, 函 …)")
    attachments: list[Attachment] = Field(default_factory=list, description="附件 (attachments)")


class Section(Record):
    """A numbered item of the outline: `一、组织机构` → `{number: 一, level: 1, heading: 组织机构}`."""

    number: str = Field(description="序号 as written, without 、 ( ) .")
    level: int = Field(ge=1, le=4, description="层级: 1 一、 2 （一） 3 1. 4 （1）")
    heading: Optional[str] = Field(default=None, description="标题 (null for a numbered paragraph)")
    kind: SectionKind = Field(default="other", description="类别 (organization, duties, rules …)")
    line: int = Field(ge=1, description="行号 (1-based source line)")
    children: list[Section] = Field(default_factory=list, description="下级条目 (sub-items)")


class Member(Record):
    """组成人员: `组　长：冯吉光  县委常委、县委宣传部部长` → role 组长, name 冯吉光, two posts."""

    role: str = Field(description="职务 in the body (组长 副组长 成员 召集人 主任 联络员 …)")
    name: Optional[str] = Field(default=None, description="姓名 (null where only a post is named)")
    posts: list[str] = Field(default_factory=list, description="现任职务 (posts held, split on 、)")
    line: int = Field(ge=1, description="行号 (1-based source line)")


class MemberUnit(Record):
    """成员单位: `{name: 县委办公室, line: 17}`."""

    name: str = Field(description="单位名称 (unit name)")
    line: int = Field(ge=1, description="行号 (1-based source line)")


class Body(Record):
    """A working body (议事协调机构) the notice sets up or names: 领导小组, 联席会议, 办公室 …"""

    name: str = Field(description="机构名称 (name, fullest form in the notice)")
    kind: BodyKind = Field(description="类别: leading_group 领导小组, coordination_mechanism 协调机制, "
                           "joint_meeting 联席会议, office 办公室, task_force 工作专班, other")
    members: list[Member] = Field(default_factory=list, description="组成人员 (people)")
    member_units: list[MemberUnit] = Field(default_factory=list, description="成员单位 (member units)")
    lead_unit: Optional[str] = Field(default=None, description="牵头单位 (lead unit)")
    declared_unit_count: Optional[int] = Field(default=None, ge=0,
                                               description="声明的成员单位数 (“等16个部门”)")
    parent: Optional[str] = Field(default=None, description="上级机构 (the body an office is set up under)")
    line: int = Field(ge=1, description="行号 (line where the body is first named)")


class Duty(Record):
    """职责分工: `县教委：抓好……` → units [县教委], text 抓好……"""

    units: list[str] = Field(description="责任单位 (units, in the order written)")
    text: str = Field(description="职责内容 (what the units must do)")
    line: int = Field(ge=1, description="行号 (1-based source line)")


class Diagnostic(Record):
    """诊断: `{code: SJ201, severity: warning, message: （三） follows （一）, line: 42}`."""

    code: str = Field(pattern=r"^SJ\d{3}$", description="诊断代码 (stable code, see `sj explain`)")
    severity: Severity = Field(description="严重程度 (error, warning, info)")
    message: str = Field(description="说明 (message)")
    line: Optional[int] = Field(default=None, ge=1, description="行号 (1-based source line)")
    column: Optional[int] = Field(default=None, ge=1, description="列号 (1-based character column)")
    text: Optional[str] = Field(default=None, description="原文片段 (the offending text)")


class Notice(Record):
    """The notice record: one per input notice (RECORD.md, schema_version "1")."""

    schema_version: Literal["1"] = Field(default=SCHEMA_VERSION, description="记录格式版本")
    source: Source = Field(description="来源 (input file)")
    document: Document = Field(description="公文要素 (document elements)")
    sections: list[Section] = Field(default_factory=list, description="正文结构 (outline)")
    bodies: list[Body] = Field(default_factory=list, description="工作机构 (working bodies)")
    duties: list[Duty] = Field(default_factory=list, description="职责分工 (duties)")
    diagnostics: list[Diagnostic] = Field(default_factory=list, description="诊断 (diagnostics)")


# --- the normalised text the stages read (internal, not emitted) --------------------------
# Plain frozen dataclasses rather than Pydantic models: they are built once per line of every
# notice, and nothing outside the pipeline sees them.

@dataclass(frozen=True, slots=True)
class Line:
    """One normalised line: `Line("组长：冯吉光 县委常委、县委宣传部部长", line=9, gap_before=False)`.

    `breaks` lists (offset, source line) where a later source line was joined onto this one,
    so that `line_at(offset)` maps any character back to the line it came from.
    """

    text: str
    line: int
    gap_before: bool = False
    breaks: tuple[tuple[int, int], ...] = ()

    def line_at(self, offset: int) -> int:
        line = self.line
        for start, source_line in self.breaks:
            if offset >= start:
                line = source_line
        return line


@dataclass(frozen=True)
class Text:
    """A notice after normalisation: content lines plus the web-page metadata fields found."""

    lines: list[Line]
    metadata: dict[str, tuple[str, int]] = field(default_factory=dict)
