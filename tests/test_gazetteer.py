"""A place's other names from the gazetteer (glossary/translit.py gazetteer_spelling): GeoNames
holds the spellings the press uses for a place, some no letter rule reaches; the ones a place
row takes are near its own, not common Arabic words, and long enough to tell from a word."""

from __future__ import annotations

import pytest

from tarjama.glossary import Glossary, Matcher, Term
from tarjama.glossary.known_names import english_key, known_names
from tarjama.glossary.normalize import fold
from tarjama.glossary.variants import canonical

SENTENCE = "وزار الوفد مدينة {} أمس في إطار جولة إقليمية."

# (glossary spelling, English, another spelling the gazetteer holds for the place)
PAIRS = [
    ("كوفنتري", "Coventry", "كاونتري"),
    ("ميديلين", "Medellín", "مدلين"),
    ("ورزازات", "Ouarzazate", "ورززات"),
    ("أورينبورغ", "Orenburg", "أورنبرغ"),
    ("غيومري", "Gyumri", "كيومري"),
    ("بنغيلا", "Benguela", "بنكويلا"),
    ("سينجيدا", "Singida", "سينكيدا"),
    ("براونزفيل", "Brownsville", "براؤنزول"),
    ("مالقة", "Málaga", "مالاغا"),
    ("تاندل", "Tandil", "تنديل"),
    ("زلاتوست", "Zlatoust", "زلاتوؤست"),
    ("نانجينغ", "Nanjing", "نانجنك"),
    ("ملطية", "Malatya", "مالاطية"),
    ("ويلينغتون", "Wellington", "ولينكتون"),
    ("ميلاغرو", "Milagro", "ميلاكرو"),
    ("دبي", "Dubai", "دبئي"),
]

# (glossary spelling, English, a spelling the gazetteer lists for that English that is a word,
# too short, or far from the row's own: none may match)
LOOKALIKES = [
    ("كابول", "Kabul", "قبول"),  # "acceptance"
    ("غوما", "Goma", "جمعة"),  # "Friday"
    ("تركيا", "Turkey", "تركي"),  # "Turkish", Turki
    ("قوانغتشو", "Guangzhou", "كانتون"),  # "canton"
    ("غوادر", "Gwadar", "كوادر"),  # "cadres"
    ("عنتيبي", "Entebbe", "انتبه"),  # "pay attention"
    ("عكا", "Acre", "عكة"),  # one consonant
    ("حماة", "Hama", "الحامة"),  # El Hamma: the article on a short word
    ("أستانا", "Astana", "نور سلطان"),  # the city's other name, nowhere near its letters
    ("قيصري", "Kayseri", "قيصرية"),  # Caesarea, a common word
]


def _listed(english: str, written: str) -> bool:
    """Whether the gazetteer holds ``written`` under ``english`` (the data the rule reads)."""
    forms = known_names().get(" ".join(canonical(fold(w)) for w in written.split()), "")
    return english_key(english) in {english_key(f) for f in forms.split("|") if f}


@pytest.mark.parametrize(("source", "english", "written"), PAIRS)
def test_a_place_matches_the_gazetteers_other_spelling(source: str, english: str, written: str) -> None:
    assert _listed(english, written)  # the data the rule reads
    text = SENTENCE.format(written)
    found = Matcher(Glossary([Term(source, english, "place", origin="test:1")])).find(text)
    at = text.index(written)
    assert [(m.start, m.end, m.target, m.family) for m in found] == [(at, at + len(written), english, True)]


@pytest.mark.parametrize(("source", "english", "written"), LOOKALIKES)
def test_a_gazetteer_spelling_that_is_a_word_or_far_is_not_taken(
    source: str, english: str, written: str
) -> None:
    assert _listed(english, written)  # the gazetteer does list it: the guard refuses it
    scan = Matcher(Glossary([Term(source, english, "place", origin="test:1")])).scan(SENTENCE.format(written))
    assert (scan.matches, scan.ambiguous) == ([], [])


def test_only_place_rows_take_gazetteer_spellings() -> None:
    # a person's row does not take a place's other names (GeoNames is a list of places)
    text = SENTENCE.format("كاونتري")
    assert Matcher(Glossary([Term("كوفنتري", "Coventry", "person", origin="test:1")])).find(text) == []
    assert (
        Matcher(Glossary([Term("كوفنتري", "Coventry", "place", origin="test:1", variants=False)])).find(text)
        == []
    )
