"""What every service's settings tests share: which settings production refuses, by name."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import ValidationError


def refused_settings(build: Callable[[], object]) -> set[str]:
    """The variable names production refuses when ``build()`` constructs the settings (it must
    raise: the message ``unsafe settings for: NAME (why), …`` is read back into names)."""
    with pytest.raises(ValidationError) as error:
        build()
    message = str(error.value).split("unsafe settings for: ", 1)[1].split(" [type=")[0]
    return {entry.split(" ", 1)[0] for entry in message.split(", ") if entry[:1].isupper()}
