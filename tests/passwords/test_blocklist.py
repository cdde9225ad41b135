"""The list of common and breached passwords: its size, its search, what it refuses."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govid.passwords import blocklist


def entries() -> list[str]:
    return blocklist.LIST.read_text().splitlines()


def test_it_holds_more_than_a_hundred_thousand_passwords_sorted_and_lowered():
    lines = entries()
    assert len(lines) == 887_273
    assert lines == sorted(lines, key=lambda line: line.encode())
    assert all(line == line.lower() and len(line) >= 6 for line in lines)


def test_every_entry_is_found_and_neighbours_are_not():
    lines = entries()
    for line in [*random.Random(2026).sample(lines, 3000), lines[0], lines[-1]]:
        assert blocklist.listed(line)
        assert not blocklist.listed(line + "\x7f")  # sorts after any continuation


@given(st.text(max_size=40))
def test_search_agrees_with_a_set(word):
    assert blocklist.listed(word) == (word in KNOWN)


KNOWN = set(entries())


@pytest.mark.parametrize(
    "password", ["P@ssw0rd", "Password123!", "Abc@12345", "Qwerty@123", "Iloveyou!!", "Admin#1234"]
)
def test_listed_passwords_with_symbols_added_are_common(password):
    assert blocklist.is_common(password)


@pytest.mark.parametrize("password", ["Moi#Matkhau2026", "K7m-Qz4-Vw", "Sóc@Trăng2026"])
def test_uncommon_passwords_are_not(password):
    assert not blocklist.is_common(password)
