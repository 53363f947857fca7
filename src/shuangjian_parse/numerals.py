"""Chinese numerals, read and written, up to 9,999: the one place sj knows them.

    cn_number("二百零五") == 205         chinese_numeral(205) == "二百零五"
    cn_digits("二〇二一") == 2021        (a year, read digit by digit)

cn_number reads a count or a rank by place: 〇零一二…九 and 两, with the units 十百千 (十二,
一百一十, 一千零五, 两千; 十 may stand without 一 at the start). What is not such a numeral is a
ValueError, never a guess: 百 (no digit before it), 十十, 二三, 一百五 (spoken for 150, but as
easily 一百零五 with its 零 lost). cn_digits reads a year, where copies stand in for 〇 with
○, O, o, Ｏ or an Arabic digit (二0二一年, 二OO八年).
"""
from __future__ import annotations

DIGITS: dict[str, int] = {**{c: i for i, c in enumerate("〇一二三四五六七八九")}, "零": 0, "两": 2}
UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
# Every character cn_number reads: what grammars/sections.yaml accepts as a number.
NUMERAL_CHARACTERS = "".join(DIGITS) + "".join(UNITS)
_YEAR_DIGITS = {**DIGITS, **dict.fromkeys("○OoＯ", 0), **{str(i): i for i in range(10)},
                **{chr(0xFF10 + i): i for i in range(10)}}

_WRITTEN = "〇一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def cn_number(text: str) -> int:
    """The value of a Chinese numeral: `cn_number("一百") == 100`; ValueError if it is none."""
    if len(text) == 1 and text in DIGITS:
        return DIGITS[text]
    value = 0
    digit: int | None = None
    last_unit = 10_000
    zero = False            # a 零 since the last unit: 一百零五, not 一百五
    for i, c in enumerate(text):
        if c in UNITS:
            unit = UNITS[c]
            if unit >= last_unit or (digit is None and not (unit == 10 and (i == 0 or value))):
                raise ValueError(f"not a Chinese numeral: {text!r}")
            value += (1 if digit is None else digit) * unit
            last_unit, digit, zero = unit, None, False
        elif c in DIGITS and digit is None:
            if DIGITS[c]:
                digit = DIGITS[c]
            elif i == 0 or zero:
                raise ValueError(f"not a Chinese numeral: {text!r}")
            else:
                zero = True
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    if digit is not None:
        if last_unit > 10 and not zero:
            raise ValueError(f"not a Chinese numeral: {text!r}")
        value += digit
    elif zero or not value:
        raise ValueError(f"not a Chinese numeral: {text!r}")
    return value


def cn_digits(text: str) -> int:
    """A number written digit by digit, as years are: `cn_digits("二OO八") == 2008`."""
    try:
        return int("".join(str(_YEAR_DIGITS[c]) for c in text))
    except (KeyError, ValueError):
        raise ValueError(f"not a number written digit by digit: {text!r}") from None


def chinese_numeral(n: int, legal: bool = False) -> str:
    """`chinese_numeral(1010) == "一千零一十"`; 0 is 〇; beyond 9,999 (or below 0), Arabic digits.

    `legal` writes the 大写 forms Word's chineseLegalSimplified numbering uses (壹拾贰)."""
    if not 0 <= n <= 9999:
        return str(n)
    if n == 0:
        return "〇" if not legal else _LEGAL[0]
    digits, units = (_LEGAL, "仟佰拾") if legal else (_WRITTEN, "千百十")
    out = ""
    gap = False
    for place, unit in zip((1000, 100, 10, 1), (*units, "")):
        d = n // place % 10
        if not d:
            gap = bool(out)
            continue
        if gap:
            out += digits[0] if legal else "零"
            gap = False
        out += ("" if d == 1 and place == 10 and not out and not legal else digits[d]) + unit
    return out
