"""Recovery codes: random, readable, stored as hashes, single use, throttled after a wrong one."""

import re

import pytest

from releases.security.recovery import ALPHABET, RecoveryCodeDevice, code_hash, new_code, normalise
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_codes_are_long_random_and_readable():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(rf"[{ALPHABET}]{{4}}(-[{ALPHABET}]{{4}}){{3}}", code) for code in codes)
    assert not set("01OIL") & set(ALPHABET)


def test_typed_forms_match():
    assert normalise(" abcd-efgh ijkm npqr ") == "ABCDEFGHIJKMNPQR"
    assert code_hash("abcd-efgh-ijkm-npqr") == code_hash("ABCDEFGHIJKMNPQR")


def test_issue_replaces_the_old_codes_and_keeps_only_hashes():
    user = make_user("editor1")
    first = RecoveryCodeDevice.issue(user)
    second = RecoveryCodeDevice.issue(user)
    device = RecoveryCodeDevice.objects.get(user=user)
    assert device.code_hashes == [code_hash(code) for code in second]
    assert not device.verify_token(first[0])
    assert not any(code in str(device.code_hashes) for code in second)


def test_single_use_and_throttled(settings):
    codes = RecoveryCodeDevice.issue(make_user("editor1"))
    device = RecoveryCodeDevice.objects.get()
    assert device.verify_token(codes[0]) and device.remaining == len(codes) - 1
    assert not device.verify_token(codes[0])  # used
    assert not device.verify_token(codes[1])  # right, but straight after a wrong one: wait first
    assert device.throttling_failure_count == 1
