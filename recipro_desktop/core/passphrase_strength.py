"""Whether a new passphrase is too easy to guess (issue 11, RELIABILITY I15): one rule for the CLI and the window.

The journal's security rests on the passphrase once someone has a copy of the files (a stolen laptop, a backup
left on a shared drive): Argon2id slows each guess down, it cannot make "password" safe. The estimate is
zxcvbn's (Dropbox's estimator, the pure-Python port: it runs wherever Python does): it knows common passwords,
names, English words, keyboard patterns, dates, repeats and l33t spellings, and the words of the journal's own
context (the data folder's name, the user's login name, "recipro") count as the first words an attacker tries.

**The minimum is score 3** of zxcvbn's 0-4 (:data:`MIN_SCORE`): at least 10^8 guesses, zxcvbn's "safely
unguessable, moderate protection from an offline slow-hash attack" and the bar most password managers use.
Score 4 (10^10) would refuse everyday passphrases such as two uncommon words; score 2 lets through
"summer2024" (found in minutes at zxcvbn's 10^4 guesses a second). At Recipro's Argon2id cost (64 MiB, 3
passes: about 0.3 s per guess on a desktop core, and memory-hard for graphics cards) 10^8 guesses are about a
year of one core's time: a dedicated attack on this one journal, not a sweep. A user who does not want to pick
one can leave the passphrase out and get a generated recovery key (150 bits; never estimated here).

zxcvbn costs ~0.1 s to import (its word lists) and 1-15 ms per estimate (up to ~0.6 s for 72 random
characters on a busy machine), so it is imported on first use, never at the window's start. Only the first
:data:`ESTIMATED_CHARS` characters are estimated (zxcvbn's own limit: its matching grows quickly with length); a
passphrase whose first 72 characters are easy to guess is easy to guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from recipro_desktop.core.errors import WeakPassphraseError

MIN_SCORE = 3
"""The lowest zxcvbn score (0-4) a new passphrase may have; see the module docstring for why 3."""

ESTIMATED_CHARS = 72
"""zxcvbn refuses longer input; the estimate is made on this many first characters."""

APP_WORDS = ("recipro", "journal", "passphrase", "password")
"""Words every Recipro passphrase guesser would try first."""

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Strength:
    """zxcvbn's verdict on one passphrase, in words a user can act on.

    Attributes:
        score: 0 (guessed at once) to 4 (very hard); :attr:`acceptable` from :data:`MIN_SCORE`.
        guess_time: how long a well-equipped attacker with a copy of the journal would need, in zxcvbn's words
            ("less than a second", "3 hours", "centuries").
        warning: zxcvbn's warning ("This is a top-10 common password."), or "".
        suggestions: zxcvbn's advice ("Add another word or two. Uncommon words are better.").
    """

    score: int
    guess_time: str
    warning: str
    suggestions: tuple[str, ...]

    @property
    def acceptable(self) -> bool:
        return self.score >= MIN_SCORE

    @property
    def message(self) -> str:
        """The refusal, for a passphrase that is not :attr:`acceptable` (never contains the passphrase)."""
        why = f" {self.warning}" if self.warning else ""
        advice = " ".join(self.suggestions) or "Use a longer passphrase."
        return (
            f"This passphrase is too easy to guess: someone with a copy of the journal could find it in "
            f"{self.guess_time}.{why} {advice} Three or four random words make a strong one."
        )


def login_name() -> str:
    """The user's login name, or "" where the environment has none (a bare container)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


def context_words(*texts: str) -> tuple[str, ...]:
    """The words of ``texts`` (the data folder's name, :func:`login_name`), lower-cased, plus :data:`APP_WORDS`:
    what zxcvbn should treat as known to an attacker."""
    words: list[str] = list(APP_WORDS)
    for text in texts:
        if text:
            words.append(text.lower())
            words.extend(w.lower() for w in _WORD.findall(text))
    return tuple(dict.fromkeys(words))


def estimate(passphrase: str, *, context: Iterable[str] = ()) -> Strength:
    """zxcvbn's estimate of ``passphrase``, with ``context`` (see :func:`context_words`) as known words."""
    from zxcvbn import zxcvbn  # lazily: ~0.1 s of word lists, needed only when a passphrase is chosen

    result = zxcvbn(passphrase[:ESTIMATED_CHARS], user_inputs=list(context))
    feedback = result.get("feedback") or {}
    return Strength(
        score=int(result["score"]),
        guess_time=str(result["crack_times_display"]["offline_slow_hashing_1e4_per_second"]),
        warning=str(feedback.get("warning") or ""),
        suggestions=tuple(str(s) for s in feedback.get("suggestions") or ()),
    )


def require_strong(passphrase: str, *, context: Iterable[str] = (), done: str = "Nothing was created.") -> None:
    """Refuse a new passphrase that is too easy to guess.

    Args:
        context: words an attacker would know (:func:`context_words`).
        done: what the refusal left unchanged, appended to the message.

    Raises:
        WeakPassphraseError: below :data:`MIN_SCORE`, with zxcvbn's warning and advice in the message.
    """
    strength = estimate(passphrase, context=context)
    if not strength.acceptable:
        raise WeakPassphraseError(f"{strength.message} {done}")
