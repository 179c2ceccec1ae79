"""`NOT_GIVEN`: a parameter left out, as distinct from `None`, which is sent as JSON null."""

from typing import Final, final

__all__ = ["NOT_GIVEN", "NotGiven"]


@final
class NotGiven:
    """The type of `NOT_GIVEN`. Fields holding it are left out of request bodies."""

    _instance: "NotGiven | None" = None

    def __new__(cls) -> "NotGiven":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()
