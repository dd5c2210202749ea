"""The regional English models are written from en-US's and each region's differences
(deploy/regional_models.py): the committed files are what the tool writes, and a region's file
can only change what en-US has."""

import copy

import pytest

from deploy import regional_models
from deploy.regional_models import RegionalError, regional_model


@pytest.fixture(scope="module")
def base() -> dict:
    return regional_models.read_model(regional_models.BASE_LOCALE)


def samples(model: dict, intent: str) -> list[str]:
    intents = model["interactionModel"]["languageModel"]["intents"]
    return next(item for item in intents if item["name"] == intent)["samples"]


def test_every_regional_english_model_is_written_from_its_file():
    assert set(regional_models.regional_locales()) == {"en-GB", "en-CA", "en-AU", "en-IN"}
    assert regional_models.out_of_date() == [], "run make models"


def test_the_check_fails_when_a_model_is_out_of_date(tmp_path, monkeypatch, capsys):
    for locale in (*regional_models.regional_locales(), regional_models.BASE_LOCALE):
        model = regional_models.MODELS_DIR / f"{locale}.json"
        (tmp_path / model.name).write_text(model.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(regional_models, "MODELS_DIR", tmp_path)
    assert regional_models.main(["--check"]) == 0
    (tmp_path / "en-GB.json").write_text("{}", encoding="utf-8")
    assert regional_models.main(["--check"]) == 1
    assert "en-GB.json is out of date" in capsys.readouterr().err


def test_a_region_adds_and_removes_samples_and_synonyms_and_keeps_en_us(base):
    before = copy.deepcopy(base)
    model = regional_model(
        base,
        {
            "samples_added": {"CrampNowIntent": ["my {bodyPart} has gone all tight"]},
            "samples_removed": {"CrampNowIntent": ["charley horse"]},
            "synonyms_added": {"BODY_PART": {"CALF": ["calfy"]}},
            "synonyms_removed": {"BODY_PART": {"CALF": ["charlie horse"]}},
            "ingress": {"LAUNCH": ["help me with cramp"]},
        },
    )
    assert base == before
    assert "my {bodyPart} has gone all tight" in samples(model, "CrampNowIntent")
    assert "charley horse" not in samples(model, "CrampNowIntent")
    types = model["interactionModel"]["languageModel"]["types"]
    body_part = next(item for item in types if item["name"] == "BODY_PART")
    calf = next(value for value in body_part["values"] if value["id"] == "CALF")
    assert "calfy" in calf["name"]["synonyms"] and "charlie horse" not in calf["name"]["synonyms"]
    launch = model["interactionModel"]["_nameFreeInteraction"]["ingressPoints"][0]
    assert launch["sampleUtterances"] == [{"format": "RAW_TEXT", "value": "help me with cramp"}]


@pytest.mark.parametrize(
    "regional",
    [
        {"samples_added": {"DrivingIntent": ["I'm driving"]}},
        {"samples_added": {"KneeIntent": ["my knee"]}},
        {"samples_removed": {"CrampNowIntent": ["never a sample"]}},
        {"synonyms_added": {"BODY_PART": {"ELBOW": ["elbow"]}}},
        {"synonyms_removed": {"BODY_PART": {"CALF": ["never a synonym"]}}},
        {"ingress": {"NoSuchIntent": ["anything"]}},
        {"samples_added": {"CrampNowIntent": None}},
        {"sample_added": {"CrampNowIntent": ["a typo of a section"]}},
    ],
)
def test_a_region_cannot_name_what_en_us_lacks_or_add_what_it_has(base, regional):
    with pytest.raises(RegionalError):
        regional_model(base, regional)
