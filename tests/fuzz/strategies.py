"""What an attacker types: any text (control characters and NUL included), long text, digits,
addresses that almost look right."""

from __future__ import annotations

from hypothesis import strategies as st

# Anything a form can carry after Django decoded it (no lone surrogates: they cannot arrive).
any_text = st.one_of(
    st.text(max_size=64),
    st.text(max_size=400),
    st.text(min_size=300, max_size=5000),
    st.text(alphabet="\x00\x01\r\n\t \u200b\ufeff\u202e", max_size=40),
)
codes = st.one_of(st.from_regex(r"\A[0-9 ]{0,12}\Z"), any_text)
logins = st.one_of(
    st.sampled_from(["an.nguyen", "cuong.le", "vnpt_testvpdt3", "khong.ton.tai", "AN.NGUYEN "]),
    st.from_regex(r"\A[a-z0-9._+-]{1,20}(@[a-z0-9.-]{1,20})?\Z"),
    any_text,
)
form_data = st.dictionaries(st.text(max_size=20), any_text, max_size=6)
