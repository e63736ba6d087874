"""The two-factor service itself: the app's codes, the recovery codes, each person's own."""

import logging

import pyotp
import pytest
import segno
from sqlalchemy import select

from app.auth.models import RecoveryCode
from app.auth.models import Role
from app.auth.models import User
from app.auth.two_factor import QR_SCALE
from app.auth.two_factor import TwoFactorError
from app.auth.two_factor import check_second_factor
from app.auth.two_factor import disable
from app.auth.two_factor import enable
from app.auth.two_factor import matching_step
from app.auth.two_factor import new_secret
from app.auth.two_factor import provisioning_uri
from app.auth.two_factor import qr_code_svg
from app.auth.two_factor import recovery_codes_left
from app.auth.two_factor import regenerate_recovery_codes
from app.auth.two_factor import required_for
from app.clock import now_utc
from app.extensions import db


@pytest.fixture
def two(app, create_user):
    """Two accounts with two-factor on; return (id, secret, recovery codes) for each."""
    people = []
    for _ in range(2):
        user = create_user()
        secret = new_secret()
        with app.app_context():
            codes = enable(user.id, secret, pyotp.TOTP(secret).at(now_utc()))
            db.session.commit()
        people.append((user.id, secret, codes))
    return people


def _code(secret, steps=0):
    return pyotp.TOTP(secret).at(now_utc(), counter_offset=steps)


def test_the_uri_and_the_qr_code_name_the_account_and_the_platform(app):
    secret = new_secret()
    assert len(secret) == 32
    uri = provisioning_uri(secret, "chloe@example.org")
    assert uri == f"otpauth://totp/Comprendre%20l%27IA%20au%20travail:chloe%40example.org?secret={secret}&issuer=Comprendre%20l%27IA%20au%20travail"
    svg = qr_code_svg(uri)
    width = segno.make(uri).symbol_size(scale=QR_SCALE)[0]
    assert svg.startswith("<svg") and f'width="{width}"' in svg and QR_SCALE == 4


def test_which_codes_match_a_step(app):
    secret = new_secret()
    with app.app_context():
        now = now_utc()
        step = pyotp.TOTP(secret).timecode(now)
        assert matching_step(secret, _code(secret), now) == step
        assert matching_step(secret, _code(secret)[:3] + " " + _code(secret)[3:], now) == step  # a space typed
        assert matching_step(secret, _code(secret, -1), now) == step - 1 and matching_step(secret, _code(secret, 1), now) == step + 1
        assert matching_step(secret, _code(secret, 2), now) is None and matching_step(secret, _code(secret, -2), now) is None
        digits = _code(secret)
        for bad in (digits[:5] + "a", digits + "0", digits[:5], "１２３４５６", ""):
            assert matching_step(secret, bad, now) is None, bad


def test_turning_on_needs_the_right_code_and_happens_once(app, create_user, caplog):
    user = create_user()
    secret = new_secret()
    with app.app_context():
        wrong = "000000" if _code(secret) != "000000" else "111111"
        with pytest.raises(TwoFactorError) as refused:
            enable(user.id, secret, wrong)
        assert str(refused.value) == "Ce code n'est pas le bon : saisissez le code à 6 chiffres que l'application affiche maintenant."
        with caplog.at_level(logging.INFO, logger="app"):
            codes = enable(user.id, secret, _code(secret))
        assert f"account {user.id} turned two-factor sign-in on" in caplog.messages
        assert len(codes) == 10 and len(set(codes)) == 10
        other = new_secret()
        with pytest.raises(TwoFactorError) as again:
            enable(user.id, other, _code(other))
        assert str(again.value) == "La double authentification est déjà activée sur ce compte."
        account = db.session.get(User, user.id)
        assert account.totp_secret == secret and account.totp_last_step == pyotp.TOTP(secret).timecode(now_utc())
        assert not check_second_factor(user.id, _code(secret))  # the code that turned it on is used


def test_codes_are_each_persons_own_and_work_once(app, two):
    (first, first_secret, first_codes), (second, second_secret, second_codes) = two
    with app.app_context():
        # Read before the first person's codes are checked (not the clock's step now: the 30 s
        # step may turn between the fixture and here on a loaded machine).
        second_step = db.session.get(User, second).totp_last_step
        assert second_step is not None
        assert not check_second_factor(first, second_codes[0])  # another person's recovery code
        assert check_second_factor(first, first_codes[0]) and not check_second_factor(first, first_codes[0])
        assert recovery_codes_left(first) == 9 and recovery_codes_left(second) == 10
        assert check_second_factor(first, _code(first_secret, 1)) and not check_second_factor(first, _code(first_secret, 1))
        db.session.expire_all()
        assert db.session.get(User, second).totp_last_step == second_step
        assert not check_second_factor(first, "pas-un-code")
        assert check_second_factor(second, _code(second_secret, 1))  # the other's step was not moved by the first's


def test_accounts_without_two_factor_accept_no_code(app, create_user):
    user = create_user()
    with app.app_context():
        assert not check_second_factor(user.id, "123456") and not check_second_factor(999_999, "123456")


def test_turning_off_deletes_the_secret_and_only_that_persons_codes(app, two, caplog):
    (first, first_secret, first_codes), (second, _, second_codes) = two
    with app.app_context():
        with caplog.at_level(logging.INFO, logger="app"):
            disable(first)
        db.session.commit()
        assert f"account {first} has two-factor sign-in off" in caplog.messages
        account = db.session.get(User, first)
        assert (account.totp_secret, account.totp_enabled_dt, account.totp_last_step) == (None, None, None)
        assert db.session.scalars(select(RecoveryCode.user_id).distinct()).all() == [second]
        assert check_second_factor(second, second_codes[0])


def test_new_recovery_codes_replace_the_old_ones(app, two):
    (first, _, old), (second, _, others) = two
    with app.app_context():
        new = regenerate_recovery_codes(first)
        db.session.commit()
        assert not check_second_factor(first, old[1]) and check_second_factor(first, new[1])
        assert recovery_codes_left(second) == 10


def test_mandatory_only_for_staff_and_only_when_set(app):
    with app.app_context():
        assert not required_for(int(Role.ADMIN))
        app.config["TWO_FACTOR_REQUIRED"] = True
        assert required_for(int(Role.ADMIN)) and required_for(int(Role.TUTOR | Role.LEARNER))
        assert not required_for(int(Role.LEARNER)) and not required_for(int(Role.AUTHOR | Role.LEARNER))


def test_an_account_with_no_step_used_yet_accepts_its_first_code(app, create_user):
    user = create_user()
    secret = new_secret()
    with app.app_context():
        account = db.session.get(User, user.id)
        account.totp_secret, account.totp_enabled_dt = secret, now_utc()  # as before this release kept steps
        db.session.commit()
        assert check_second_factor(user.id, _code(secret)) and not check_second_factor(user.id, _code(secret))
