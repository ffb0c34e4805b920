"""Signed cookies and login throttling, with a clock the test controls."""

from __future__ import annotations

from stuurdata.web.security import LoginThrottle, Signer


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_signed_payload_comes_back_and_a_changed_one_does_not():
    signer = Signer(b"geheim")
    token = signer.sign({"n": "anna"})
    assert signer.unsign(token)["n"] == "anna"
    body, mac = token.split(".")
    forged = Signer(b"ander geheim").sign({"n": "beheerder"})
    assert signer.unsign(forged) is None
    assert signer.unsign(forged.split(".")[0] + "." + mac) is None
    assert signer.unsign(body) is None and signer.unsign("") is None and signer.unsign(None) is None


def test_a_signed_payload_expires():
    clock = Clock()
    signer = Signer(b"geheim", clock=clock)
    token = signer.sign({"n": "anna"})
    clock.now += 3600
    assert signer.unsign(token, max_age=3600) is not None
    clock.now += 1
    assert signer.unsign(token, max_age=3600) is None


def test_throttle_refuses_after_max_failures_until_the_window_passes():
    clock = Clock()
    throttle = LoginThrottle(max_fouten=3, venster=60, clock=clock)
    for _ in range(2):
        throttle.failed("naam:anna", "adres:1")
    assert throttle.wait_seconds("naam:anna", "adres:1") == 0
    throttle.failed("naam:anna", "adres:1")
    assert throttle.wait_seconds("naam:anna") == 60
    assert throttle.wait_seconds("adres:1") == 60
    assert throttle.wait_seconds("naam:bert") == 0
    clock.now += 30
    assert throttle.wait_seconds("naam:anna") == 30
    clock.now += 31
    assert throttle.wait_seconds("naam:anna", "adres:1") == 0


def test_a_right_password_clears_the_name_but_not_the_address():
    throttle = LoginThrottle(max_fouten=2, venster=60, clock=Clock())
    throttle.failed("naam:anna", "adres:1")
    throttle.failed("naam:anna", "adres:1")
    throttle.succeeded("naam:anna")
    assert throttle.wait_seconds("naam:anna") == 0
    assert throttle.wait_seconds("adres:1") > 0
