"""Domain errors of the theory layer."""


class DomainError(ValueError):
    """An argument outside the domain of a formula; the message names the value and the valid range."""
