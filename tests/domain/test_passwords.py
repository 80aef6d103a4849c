"""Password rules: length over composition, nothing common, nothing built from the account."""

import pytest

from tracker.domain.passwords import MAX_LENGTH, PasswordProblem, check_password

PERSONAL = ["li.wei@lanshan.example", "Li Wei"]


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", PasswordProblem.TOO_SHORT),
        ("x" * 14, PasswordProblem.TOO_SHORT),
        ("x" * (MAX_LENGTH + 1), PasswordProblem.TOO_LONG),
        ("passwordpassword", PasswordProblem.TOO_GUESSABLE),  # a common password, repeated
        ("qwertyuiopasdfgh", PasswordProblem.TOO_GUESSABLE),  # a keyboard row
        ("iloveyou12345678", PasswordProblem.TOO_GUESSABLE),
        ("aaaaaaaaaaaaaaaaaaaa", PasswordProblem.TOO_GUESSABLE),
        ("li wei lanshan example", PasswordProblem.TOO_GUESSABLE),  # only the account's words
        ("LiWei-Lanshan.Example!", PasswordProblem.TOO_GUESSABLE),
        ("harbour lantern orchestra meadow", None),  # four unrelated words
        ("correct horse battery staple", None),
        ("岚山智能的合规官每天核对模型发布记录", None),  # Chinese passphrases are fine
        ("x7#Kq!2vLm9@pR4z", None),  # no composition rules either
    ],
)
def test_password_rules(password, problem):
    result = check_password(password, PERSONAL)
    assert result.problems == ((problem,) if problem else ())
    assert result.ok is (problem is None)


def test_minimum_length_is_configurable():
    assert check_password("harbour lantern", PERSONAL, min_length=12).ok
    assert not check_password("harbour lantern", PERSONAL, min_length=16).ok
