"""Swedish organisation numbers (organisationsnummer)."""

import re

_SHAPE = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$")


def luhn_valid(digits: str) -> bool:
    """True if ``digits`` pass the Luhn (mod 10) check that Swedish numbers use."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_org_number(value: str) -> str:
    """Return ``value`` as ``NNNNNN-NNNN``, or raise ``ValueError`` if it is not a valid
    organisation number: ten digits (an optional century prefix ``16`` is allowed) whose last
    digit is the Luhn check digit. Sole traders use their personal identity number, which has
    the same shape and check digit, so it is accepted too."""
    match = _SHAPE.match(value.strip().replace(" ", ""))
    if not match:
        raise ValueError("shape")
    digits = match.group(1) + match.group(2)
    if not luhn_valid(digits):
        raise ValueError("check digit")
    return f"{digits[:6]}-{digits[6:]}"
