"""Contact details are found in public texts, and ordinary texts pass."""

from __future__ import annotations

import pytest

from vivera.matching.contact import contact_details


@pytest.mark.parametrize(
    "text",
    [
        "Bel me op 06-12345678",
        "tel. +31 (0)10 123 4567",
        "mail naar jan.jansen@example.nl",
        "jan (at) example . nl",
        "Ik woon aan de Dorpsstraat 12a",
        "postcode 3331 AB",
    ],
)
def test_contact_details_are_found(text: str) -> None:
    assert contact_details(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wie rijdt op dinsdag mee naar het ziekenhuis? Ongeveer 2 uur.",
        "Boodschappen doen voor een mevrouw van 84, eens per week.",
        "Hulp bij de tuin in de wijk Noord, in mei en juni 2026.",
    ],
)
def test_an_ordinary_text_passes(text: str) -> None:
    assert contact_details(text) == []
