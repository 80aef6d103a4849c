"""Password rules after NIST SP 800-63B: length over composition, and no guessable passwords.

No rules about digits or symbols and no forced expiry; instead a minimum length (15 for a
password that is the only factor), a generous maximum, and a check with zxcvbn, whose
dictionaries hold the most common passwords, words and keyboard patterns, together with the
account's own name and e-mail address.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from zxcvbn import zxcvbn

MIN_LENGTH = 15
MAX_LENGTH = 256
# zxcvbn's scores run 0-4; 3 is "safely unguessable: moderate protection from offline attacks".
MIN_SCORE = 3
_WORD = re.compile(r"[^\W_]+")


class PasswordProblem(StrEnum):
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    TOO_GUESSABLE = "too_guessable"
    MISMATCH = "mismatch"


@dataclass(frozen=True)
class PasswordCheck:
    problems: tuple[PasswordProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_password(
    password: str, personal: list[str], min_length: int = MIN_LENGTH
) -> PasswordCheck:
    """Check a new password; ``personal`` holds words the password must not be built from."""
    if len(password) < min_length:
        return PasswordCheck((PasswordProblem.TOO_SHORT,))
    if len(password) > MAX_LENGTH:
        return PasswordCheck((PasswordProblem.TOO_LONG,))
    words = {w for text in personal for w in _WORD.findall(text.lower())}
    if _made_of("".join(_WORD.findall(password.lower())), words):
        # Nothing but the account's own name and address, however long.
        return PasswordCheck((PasswordProblem.TOO_GUESSABLE,))
    # zxcvbn's cost grows with length; the first 100 characters decide guessability anyway.
    if zxcvbn(password[:100], user_inputs=sorted(words))["score"] < MIN_SCORE:
        return PasswordCheck((PasswordProblem.TOO_GUESSABLE,))
    return PasswordCheck(())


def _made_of(text: str, words: set[str]) -> bool:
    """True if ``text`` is some sequence of ``words`` run together (e.g. liweilanshan)."""
    if not text:
        return True
    ends = {0}
    for end in range(1, len(text) + 1):
        if any(start in ends and text[start:end] in words for start in range(end)):
            ends.add(end)
    return len(text) in ends
