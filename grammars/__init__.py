"""The grammars shipped with sj (rules as data); loaded by shuangjian_parse.grammar."""
