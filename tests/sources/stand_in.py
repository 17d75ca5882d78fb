"""Stand-in norm_* SQL macros, used only while docket.normalize.sql is not installed.

They follow the normaliser contract (names, return types, NULL for junk) closely
enough for ingest tests; once the real module exists, `install` uses it instead.
"""

from __future__ import annotations

import duckdb

_MACROS = r"""
CREATE OR REPLACE TEMP MACRO norm_name(x) AS CASE WHEN NULLIF(trim(x), '') IS NULL THEN NULL ELSE
  struct_pack(hanzi := CASE WHEN regexp_matches(x, '[\x{4e00}-\x{9fff}]') THEN replace(x, ' ', '') END,
              pinyin := lower(trim(x)), family := NULL::VARCHAR, given := NULL::VARCHAR,
              key := array_to_string(list_sort(string_split(lower(trim(x)), ' ')), ''),
              initials := NULL::VARCHAR) END;
CREATE OR REPLACE TEMP MACRO norm_resident_id(x) AS CASE WHEN NULLIF(trim(x), '') IS NULL THEN NULL ELSE
  struct_pack(number := upper(trim(x)), valid := length(trim(x)) = 18,
              birth_date := CAST(try_strptime(substr(x, 7, 8), '%Y%m%d') AS DATE),
              sex := CASE WHEN length(x) = 18 THEN
                       CASE WHEN TRY_CAST(substr(x, 17, 1) AS INT) % 2 = 1 THEN 'M' ELSE 'F' END END,
              region := substr(x, 1, 6)) END;
CREATE OR REPLACE TEMP MACRO norm_date(x) AS CAST(COALESCE(try_strptime(x, '%Y-%m-%d'),
  try_strptime(x, '%Y%m%d'), try_strptime(x, '%Y/%m/%d'), try_strptime(x, '%d/%m/%Y')) AS DATE);
CREATE OR REPLACE TEMP MACRO norm_datetime(x) AS timezone('Asia/Shanghai', COALESCE(
  try_strptime(x, '%Y-%m-%d %H:%M:%S'), try_strptime(x, '%Y-%m-%d %H:%M'),
  try_strptime(x, '%Y/%m/%d %H:%M'), try_strptime(x, '%Y%m%d%H%M%S')));
CREATE OR REPLACE TEMP MACRO norm_phone(x) AS CASE
  WHEN regexp_full_match(regexp_replace(x, '\D', '', 'g'), '(86)?1\d{10}')
  THEN '+86' || right(regexp_replace(x, '\D', '', 'g'), 11) END;
CREATE OR REPLACE TEMP MACRO norm_email(x) AS CASE WHEN contains(x, '@') THEN lower(trim(x)) END;
CREATE OR REPLACE TEMP MACRO norm_passport(x) AS NULLIF(upper(trim(x)), '');
CREATE OR REPLACE TEMP MACRO norm_plate(x) AS NULLIF(upper(replace(x, ' ', '')), '');
CREATE OR REPLACE TEMP MACRO norm_bank_account(x) AS NULLIF(regexp_replace(x, '\D', '', 'g'), '');
CREATE OR REPLACE TEMP MACRO norm_region(x) AS CASE WHEN regexp_full_match(x, '\d{6}') THEN x END;
CREATE OR REPLACE TEMP MACRO norm_sex(x) AS CASE WHEN x IN ('男', 'M', 'm', 'male', 'Male') THEN 'M'
  WHEN x IN ('女', 'F', 'f', 'female', 'Female') THEN 'F' END;
"""


def install(con: duckdb.DuckDBPyConnection) -> None:
    """The real normalisers when they exist, else these stand-ins."""
    try:
        from docket.normalize import sql as norm_sql  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        con.execute(_MACROS)
        return
    norm_sql.install(con)
