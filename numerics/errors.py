"""Domain errors of the numerics layer."""


class DomainError(ValueError):
    """An argument outside its valid range; the message names the value and the range."""


def require(condition: bool, message: str) -> None:
    if not condition:
        raise DomainError(message)
