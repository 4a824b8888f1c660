from typing import Literal

NcpLang = Literal["en-US", "ko-KR", "zh-CN"]

NCP_LANG_VALUES: set[NcpLang] = {
    "en-US",
    "ko-KR",
    "zh-CN",
}


def check_ncp_lang(value: str) -> NcpLang:
    if value in NCP_LANG_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {NCP_LANG_VALUES!r}")
