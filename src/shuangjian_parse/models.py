"""Every record `sj` emits: the notice record of RECORD.md (schema_version "4").

Field names are the output contract; the Chinese term of each field is in its description.
Models are frozen: a stage builds new ones, it never edits what an earlier stage returned.
"""
import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated, ClassVar, Literal, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

SCHEMA_VERSION = "4"
# Every record version `sj validate` accepts, oldest first.
RECORD_VERSIONS = ("1", "2", "3", "4")
# Fields each version added, by model. Every added field is optional, so a stored record of an
# older version is checked by the current models and must not carry what came after it.
ADDED_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "2": {"MemberUnit": ("canonical", "sector"), "Member": ("post_units",),
          "Body": ("lead_unit_ref",), "Duty": ("unit_refs",)},
    "3": {"Notice": ("jurisdiction", "topics")},
    "4": {"Document": ("title_span", "doc_number_span", "issuer_spans", "addressee_spans"),
          "Attachment": ("title_span",), "Section": ("heading_span",),
          "Member": ("name_span", "post_spans"), "MemberUnit": ("name_span",),
          "Duty": ("text_span", "unit_spans")},
}

BodyKind = Literal[
    "leading_group", "coordination_mechanism", "joint_meeting", "office", "task_force", "other"
]
SectionKind = Literal[
    "organization", "duties", "rules", "requirements", "roster", "guidance", "other"
]
Severity = Literal["error", "warning", "info"]
PlaceLevel = Literal["national", "province", "city", "county"]
# 行政区划代码 (GB/T 2260): `500243`.
Adcode = Annotated[str, Field(pattern=r"^[0-9]{6}$")]
# 成文日期 as written by the parser: `2021-12-13`; Document checks it is a real calendar date.
IsoDate = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                               json_schema_extra={"format": "date"})]


def new_list() -> list:
    """A new empty list, the default of list fields: `Field(default_factory=new_list)`. pydantic
    reads a default factory's signature, and a builtin's (list's) is parsed from its text by
    the tokenizer, whose pattern `re` compiles anew each run: 1 % of a cold `sj parse`."""
    return []


def _pieces_in_order(span: list[int]) -> list[int]:
    """[start, end) pairs, each non-empty, in the text's order: `[3, 7]`, `[3, 5, 9, 12]`."""
    if len(span) % 2:
        raise ValueError(f"a span holds [start, end) pairs, got {len(span)} numbers")
    if any(b <= a for a, b in zip(span[0::2], span[1::2])) or any(
            b < a for a, b in zip(span[1:-1:2], span[2::2])):
        raise ValueError(f"{span}: each piece must end after it starts, and start where the last one ended or later")
    return span


MAX_PIECES = 8
# 出处: where a value was read in the decoded text (stages/spans.py).
Span = Annotated[list[Annotated[int, Field(ge=0)]], Field(
    min_length=2, max_length=2 * MAX_PIECES,
    description="出处 (provenance): [start, end) of the value in the decoded text, 0-based code points of "
                "the lines `line` counts joined by \\n (`sj parse --dump-text`); text[start:end] with white "
                "space removed and full-width letters and digits folded is the value. A value sj composed "
                "from several places (a shared prefix or suffix distributed: 市委宣传部、网信办 → 市委网信办; "
                "宣传、网信部门 → 宣传部门) has its pieces, in the text's order: [start1, end1, start2, end2, …], "
                "whose texts joined are the value. Null where sj could not find it in the text near its line"),
    AfterValidator(_pieces_in_order)]


class Record(BaseModel):
    """Base of every record: frozen, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # The values that carry a span: {value field: its span field} (stages/spans.py fills them).
    spans: ClassVar[dict[str, str]] = {}


def _parallel_spans(cls: type[Record], spans: list, info: ValidationInfo) -> list:
    """A list of spans is empty (a record written before spans) or one span per value."""
    field = next(name for name, span in cls.spans.items() if span == info.field_name)
    values = info.data.get(field)
    if spans and values is not None and len(spans) != len(values):
        raise ValueError(f"{len(spans)} spans for {len(values)} {field}")
    return spans


class Source(Record):
    """来源: where a record came from: `{path: samples/a.txt, encoding: gb18030, lines: 96}`."""

    path: str = Field(description="输入文件路径 (path of the input as given)")
    sha256: str = Field(description="原始字节的 SHA-256 (of the raw bytes)")
    encoding: str = Field(description="检测到的编码 (detected encoding: utf-8, utf-8-sig, gb18030, utf-16)")
    lines: int = Field(ge=0, description="解码后文本的行数 (line count of the decoded text)")


class Attachment(Record):
    """附件: `{index: 1, title: 陵川县“双减”工作部门职责分工}`; index null for a single 附件."""

    index: Optional[int] = Field(default=None, description="附件序号 (number, null when unnumbered)")
    title: str = Field(description="附件名称 (attachment title)")
    line: Optional[int] = Field(default=None, ge=1, description="行号 (1-based source line)")
    title_span: Optional[Span] = Field(default=None, description="出处 of title (provenance: see Span)")

    spans: ClassVar[dict[str, str]] = {"title": "title_span"}


class Document(Record):
    """公文要素 (GB/T 9704-2012): title, 发文字号, issuers, 成文日期, addressees, attachments."""

    title: Optional[str] = Field(default=None, description="标题 (title, joined across lines)")
    doc_number: Optional[str] = Field(default=None, description="发文字号 (e.g. 陵政办函〔2021〕45号)")
    issuers: list[str] = Field(default_factory=new_list, description="发文机关 (署名 / 版头 / 发文单位)")
    date: Optional[IsoDate] = Field(default=None, description="成文日期 (ISO date: 2021-12-13)")
    addressees: list[str] = Field(default_factory=new_list, description="主送机关 (addressees)")
    doc_type: Optional[str] = Field(default=None, description="文种 (通知, 方案, 意见, 决定, 函 …)")
    attachments: list[Attachment] = Field(default_factory=new_list, description="附件 (attachments)")
    title_span: Optional[Span] = Field(default=None, description="出处 of title (provenance: see Span)")
    doc_number_span: Optional[Span] = Field(default=None, description="出处 of doc_number: the 发文字号 "
                                            "as written, one stretch; the value writes its year in 〔〕 "
                                            "whatever brackets, or none, the notice writes (梧政办发[2008]117号, "
                                            "某教基2018 103 号)")
    issuer_spans: list[Optional[Span]] = Field(default_factory=new_list, description="出处 of each issuer "
                                               "(parallel to issuers)")
    addressee_spans: list[Optional[Span]] = Field(default_factory=new_list, description="出处 of each "
                                                  "addressee (parallel to addressees)")

    spans: ClassVar[dict[str, str]] = {"title": "title_span", "doc_number": "doc_number_span",
                                       "issuers": "issuer_spans", "addressees": "addressee_spans"}
    _parallel = field_validator("issuer_spans", "addressee_spans")(_parallel_spans)

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: Optional[str]) -> Optional[str]:
        """`2021-13-45` has the ISO shape but is no date: rejected, so records and schema agree."""
        if value is not None:
            try:
                dt.date.fromisoformat(value)
            except ValueError as exc:
                raise ValueError(f"{value} is not a real date ({exc})") from None
        return value


class Section(Record):
    """A numbered item of the outline: `一、组织机构` → `{number: 一, level: 1, heading: 组织机构}`."""

    number: str = Field(description="序号 as written, without 、 ( ) .")
    level: int = Field(ge=1, le=4, description="层级: 1 一、 2 （一） 3 1. 4 （1）")
    heading: Optional[str] = Field(default=None, description="标题 (null for a numbered paragraph)")
    kind: SectionKind = Field(default="other", description="类别 (organization, duties, rules …)")
    line: int = Field(ge=1, description="行号 (1-based source line)")
    children: list["Section"] = Field(default_factory=new_list, description="下级条目 (sub-items)")
    heading_span: Optional[Span] = Field(default=None, description="出处 of heading (provenance: see Span)")

    spans: ClassVar[dict[str, str]] = {"heading": "heading_span"}


# The two fields the unit catalogue adds to a unit (UnitRef, MemberUnit), defined once.
CanonicalName = Annotated[Optional[str], Field(description="规范名称 (canonical name in the unit "
                                               "catalogue, without level prefix; null when not in it)")]
Sector = Annotated[Optional[str], Field(description="领域 (sector: 教育, 公安, 市场监管 …; "
                                        "null when not in the catalogue)")]


class UnitRef(Record):
    """单位及其规范名称: `{name: 县人社局, canonical: 人力资源和社会保障局, sector: 人社}`."""

    name: str = Field(min_length=1, description="单位名称 as written (unit name)")
    canonical: CanonicalName = None
    sector: Sector = None


class PostUnit(Record):
    """职务拆分: `县教育局局长` → unit 县教育局, title 局长, canonical 教育局, sector 教育, rank 6."""

    post: str = Field(min_length=1, description="现任职务 as written (one item of posts)")
    unit: Optional[str] = Field(default=None, description="任职单位 (the unit the post names; null "
                                "when it names none: 副县长)")
    title: Optional[str] = Field(default=None, description="职务名称 (title: 局长, 副县长, 主要负责同志)")
    canonical: Optional[str] = Field(default=None, description="任职单位的规范名称 (canonical name "
                                     "of the unit; null when unknown)")
    sector: Optional[str] = Field(default=None, description="领域 (sector of the unit)")
    rank: Optional[int] = Field(default=None, ge=1, description="职级 (rank, 1 highest: 1 党委书记, "
                                "2 政府正职, 3 党委副书记, 4 党委常委 / 人大政协正职, 5 政府副职 / "
                                "人大政协副职, 6 部门正职, 7 部门副职, 8 其他工作人员)")


class Member(Record):
    """组成人员: `组　长：冯吉光  县委常委、县委宣传部部长` → role 组长, name 冯吉光, two posts."""

    role: str = Field(description="职务 in the body (组长 副组长 成员 召集人 主任 联络员 …)")
    name: Optional[str] = Field(default=None, min_length=1,
                                description="姓名 (null where only a post is named)")
    posts: list[str] = Field(default_factory=new_list, description="现任职务 (posts held, split on 、)")
    line: int = Field(ge=1, description="行号 (1-based source line)")
    post_units: list[PostUnit] = Field(default_factory=new_list, description="职务拆分 (each post split "
                                       "into unit and title, in the order of posts)")
    name_span: Optional[Span] = Field(default=None, description="出处 of name (provenance: see Span)")
    post_spans: list[Optional[Span]] = Field(default_factory=new_list, description="出处 of each post "
                                             "(parallel to posts); a post joined from two cells of a "
                                             "table row is one piece when only white space parts them")

    spans: ClassVar[dict[str, str]] = {"name": "name_span", "posts": "post_spans"}
    _parallel = field_validator("post_spans")(_parallel_spans)


class MemberUnit(Record):
    """成员单位: `{name: 县委办公室, line: 17}`."""

    name: str = Field(min_length=1, description="单位名称 (unit name)")
    line: int = Field(ge=1, description="行号 (1-based source line)")
    canonical: CanonicalName = None
    sector: Sector = None
    name_span: Optional[Span] = Field(default=None, description="出处 of name (provenance: see Span)")

    spans: ClassVar[dict[str, str]] = {"name": "name_span"}


class Body(Record):
    """A working body (议事协调机构) the notice sets up or names: 领导小组, 联席会议, 办公室 …"""

    name: str = Field(min_length=1, description="机构名称 (name, fullest form in the notice)")
    kind: BodyKind = Field(description="类别: leading_group 领导小组, coordination_mechanism 协调机制, "
                           "joint_meeting 联席会议, office 办公室, task_force 工作专班, other")
    members: list[Member] = Field(default_factory=new_list, description="组成人员 (people)")
    member_units: list[MemberUnit] = Field(default_factory=new_list, description="成员单位 (member units)")
    lead_unit: Optional[str] = Field(default=None, description="牵头单位 (lead unit)")
    declared_unit_count: Optional[int] = Field(default=None, ge=0,
                                               description="声明的成员单位数 (“等16个部门”)")
    parent: Optional[str] = Field(default=None, description="上级机构 (the body an office is set up under)")
    line: int = Field(ge=1, description="行号 (line where the body is first named)")
    lead_unit_ref: Optional[UnitRef] = Field(default=None, description="牵头单位的规范名称 "
                                             "(lead unit with canonical name and sector)")


class Duty(Record):
    """职责分工: `县教委：抓好……` → units [县教委], text 抓好……"""

    units: list[str] = Field(description="责任单位 (units, in the order written)")
    text: str = Field(description="职责内容 (what the units must do)")
    line: int = Field(ge=1, description="行号 (1-based source line)")
    unit_refs: list[UnitRef] = Field(default_factory=new_list, description="责任单位的规范名称 (the "
                                     "units with canonical name and sector, parallel to units)")
    text_span: Optional[Span] = Field(default=None, description="出处 of text (provenance: see Span)")
    unit_spans: list[Optional[Span]] = Field(default_factory=new_list, description="出处 of each unit "
                                             "(parallel to units)")

    spans: ClassVar[dict[str, str]] = {"text": "text_span", "units": "unit_spans"}
    _parallel = field_validator("unit_spans")(_parallel_spans)


class Diagnostic(Record):
    """诊断: `{code: SJ201, severity: warning, message: （三） follows （一）, line: 42}`."""

    code: str = Field(pattern=r"^SJ\d{3}$", description="诊断代码 (stable code, see `sj explain`)")
    severity: Severity = Field(description="严重程度 (error, warning, info)")
    message: str = Field(description="说明 (message)")
    line: Optional[int] = Field(default=None, ge=1, description="行号 (1-based source line)")
    column: Optional[int] = Field(default=None, ge=1, description="列号 (1-based character column)")
    text: Optional[str] = Field(default=None, description="原文片段 (the offending text)")


class Place(Record):
    """行政区划: `{name: 重庆市, level: province, adcode: "500000"}`."""

    name: str = Field(min_length=1, description="标准名称 (standard full name)")
    level: PlaceLevel = Field(description="层级: province 省级, city 地级, county 县级")
    adcode: Optional[Adcode] = Field(default=None, description="行政区划代码 (6-digit code, GB/T 2260)")


class Jurisdiction(Record):
    """发文地区: where a notice comes from, e.g. `彭水县` → 彭水苗族土家族自治县, county, 500243,
    parents [重庆市]; read from the issuers, the 版头, the title or the bodies' names."""

    name: str = Field(min_length=1, description="地名 as written (彭水县)")
    full_name: str = Field(min_length=1, description="标准名称 (standard full name: 彭水苗族土家族自治县)")
    level: PlaceLevel = Field(description="层级: national 全国, province 省级, city 地级, county 县级")
    adcode: Optional[Adcode] = Field(default=None, description="行政区划代码 (6-digit code, GB/T 2260; "
                                     "null for the national level)")
    parents: list[Place] = Field(default_factory=new_list, description="上级行政区划 (from the province down)")
    source: Literal["issuer", "metadata", "title", "body", "text", "units"] = Field(
        description="依据 (where the place was read: issuer 发文机关, metadata 网页发布机构, title 标题, "
                    "body 机构名称, text 正文 (an organ's name), units 所辖县区 (the counties its roster names))")
    line: Optional[int] = Field(default=None, ge=1, description="行号 (1-based source line of the name)")
    former: bool = Field(default=False, description="旧称 (the name is no longer in use: 吐鲁番地区, "
                         "撤县设区 …)")
    successor: Optional[Place] = Field(default=None, description="现行区划 (the current division a former "
                                       "name became, when it can be told: 余江县 → 余江区)")


class Topic(Record):
    """议题: `{name: 双减, words: [双减, 校外培训]}`: a policy area and the words that decided it."""

    name: str = Field(min_length=1, description="议题 (policy area: 双减, 教育, 卫生健康, 应急管理 …)")
    words: list[str] = Field(min_length=1, description="依据词 (the words found, as in grammars/topics.yaml)")


class Notice(Record):
    """公文记录, the notice record: one per input notice (RECORD.md; schema_version "2" adds the
    canonical units: MemberUnit.canonical/sector, Member.post_units, Body.lead_unit_ref, Duty.unit_refs;
    "3" the jurisdiction and the topics; "4" the provenance spans: `*_span`, `*_spans`)."""

    schema_version: Literal["4"] = Field(default=SCHEMA_VERSION, description="记录格式版本")
    source: Source = Field(description="来源 (input file)")
    document: Document = Field(description="公文要素 (document elements)")
    sections: list[Section] = Field(default_factory=new_list, description="正文结构 (outline)")
    bodies: list[Body] = Field(default_factory=new_list, description="工作机构 (working bodies)")
    duties: list[Duty] = Field(default_factory=new_list, description="职责分工 (duties)")
    diagnostics: list[Diagnostic] = Field(default_factory=new_list, description="诊断 (diagnostics)")
    jurisdiction: Optional[Jurisdiction] = Field(default=None, description="发文地区 (where the notice "
                                                 "comes from; null when it names no place)")
    topics: list[Topic] = Field(default_factory=new_list, description="议题 (policy areas, grammars/topics.yaml)")


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
        index = bisect.bisect_right(self.breaks, (offset, float("inf")))
        return self.breaks[index - 1][1] if index else self.line


@dataclass(frozen=True)
class Text:
    """A notice after normalisation: content lines plus the web-page metadata fields found."""

    lines: list[Line]
    metadata: dict[str, tuple[str, int]] = field(default_factory=dict)
