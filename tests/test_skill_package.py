"""The skill package (interaction_model/): the manifest agrees with the models, as the ASK CLI and
certification expect, and "forget me" is a well-formed intent."""

import json
import re
import struct
from pathlib import Path

import pytest

from console.nlu import FALLBACK_INTENT, Understanding, normalize

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "interaction_model"
MANIFEST = json.loads((PACKAGE / "skill.json").read_text(encoding="utf-8"))["manifest"]
MODELS = {
    path.stem: json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    for path in sorted((PACKAGE / "interactionModels" / "custom").glob("*.json"))
}
LOCALES = MANIFEST["publishingInformation"]["locales"]
LAMBDA_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w-]+)?")
LAUNCH_WORDS = ("ask", "open", "tell", "launch", "start", "begin", "load", "run")
#: Per language: the skill's name in the store, how a phrase opens or asks it, the words that
#: may join its name to a request, the letters a request is written in, and the disclaimer.
LANGUAGES = {
    "de": {
        "name": "Krampf Coach",
        "launch": ("öffne", "starte", "frage", "frag"),
        "connectors": ("nach",),
        "letters": "A-Za-zÄÖÜäöüß",
        "disclaimer": "Er ersetzt keine professionelle medizinische Beratung",
    },
    "en": {
        "name": "Cramp Coach",
        "launch": LAUNCH_WORDS,
        "connectors": (),
        "letters": "A-Za-z",
        "disclaimer": "not a substitute for professional medical advice",
    },
    "es": {
        "name": "Entrenador de Calambres",
        "launch": ("abre", "inicia", "pide a", "dile a", "pregunta a", "pregúntale a"),
        "connectors": ("que",),
        "letters": "A-Za-zÁÉÍÓÚÜÑáéíóúüñ",
        "disclaimer": "No sustituye el consejo médico profesional",
    },
    "fr": {
        "name": "Coach Crampes",
        "launch": ("ouvre", "lance", "demande à", "dis à"),
        "connectors": ("que",),
        "letters": "A-Za-zÀÂÆÇÉÈÊËÎÏÔŒÙÛÜŸàâæçéèêëîïôœùûüÿ",
        "disclaimer": "Il ne remplace pas un avis médical professionnel",
    },
}
# Each market's emergency number as people write it there, from ../shared/medical-notes.md ("Each
# market"): a store description names its own and no other country's.
WRITTEN_EMERGENCY_NUMBERS = {
    "en-US": ("911",), "en-CA": ("911",), "en-GB": ("999",), "en-AU": ("000",),
    "en-IN": ("112",), "es-ES": ("112",), "es-MX": ("911",), "es-US": ("911",),
    "de-DE": ("112",), "fr-FR": ("15", "112"), "fr-CA": ("911",),
}  # fmt: skip


def language_of(locale: str) -> dict:
    return LANGUAGES[locale.partition("-")[0]]


def intents(locale: str) -> dict[str, list[str]]:
    return {intent["name"]: intent.get("samples", []) for intent in MODELS[locale]["intents"]}


def example_request(phrase: str, invocation: str, language: dict) -> str | None:
    """What an example phrase asks the skill, after "Alexa, open/ask/tell <invocation>"."""
    connector = "".join(f"(?:{word} )?" for word in language["connectors"])
    found = re.fullmatch(
        rf"Alexa, (?:{'|'.join(language['launch'])}) {re.escape(invocation)}"
        rf"(?: {connector}(?P<request>.+))?",
        phrase,
    )
    assert found, f"{phrase!r} does not start with the wake word and the invocation name"
    return found.group("request")


def test_the_ask_cli_finds_the_package_at_interaction_model():
    resources = json.loads((ROOT / "ask-resources.json").read_text(encoding="utf-8"))
    assert resources["askcliResourcesVersion"] == "2020-03-31"
    source = ROOT / resources["profiles"]["default"]["skillMetadata"]["src"]
    assert source.resolve() == PACKAGE
    assert (source / "skill.json").is_file()


def test_the_manifest_and_the_models_have_the_same_locales():
    assert set(LOCALES) == set(MODELS)
    assert MANIFEST["manifestVersion"] == "1.0"


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_publishing_information_is_complete(locale):
    information = LOCALES[locale]
    assert information["name"] == language_of(locale)["name"]
    assert 0 < len(information["summary"]) <= 160
    assert 0 < len(information["description"]) <= 4000
    assert 0 < len(information["keywords"]) <= 30
    assert len(information["examplePhrases"]) == 3
    assert MANIFEST["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_the_icons_are_in_the_package_at_the_sizes_alexa_asks_for(locale):
    """Certification needs a 108 and a 512 pixel square PNG; the ASK CLI uploads file:// ones."""
    for key, side in (("smallIconUri", 108), ("largeIconUri", 512)):
        uri = LOCALES[locale][key]
        assert uri.startswith("file://assets/images/"), uri
        png = (PACKAGE / uri.removeprefix("file://")).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk comes first
        assert (width, height) == (side, side)


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_the_description_states_the_medical_disclaimer(locale):
    description = LOCALES[locale]["description"]
    assert language_of(locale)["disclaimer"] in description
    own = WRITTEN_EMERGENCY_NUMBERS[locale]
    assert any(re.search(rf"\b{number}\b", description) for number in own), description
    everyone = {number for numbers in WRITTEN_EMERGENCY_NUMBERS.values() for number in numbers}
    for number in everyone - set(own):
        assert not re.search(rf"\b{number}\b", description), f"{locale} names {number}"


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_example_phrases_match_sample_utterances_exactly(locale):
    model = MODELS[locale]
    understanding = Understanding(locale)
    phrases = LOCALES[locale]["examplePhrases"]
    language = language_of(locale)
    assert example_request(phrases[0], model["invocationName"], language) is None  # only opens
    for phrase in phrases[1:]:
        request = example_request(phrase, model["invocationName"], language)
        letters = language["letters"]
        assert re.fullmatch(rf"[{letters}' ]+", request), f"{request!r} is not how it is said"
        match = understanding.understand(request)
        assert match.intent != FALLBACK_INTENT, f"{request!r} is no sample of {locale}"
        assert not match.intent.startswith("AMAZON."), f"{request!r} only a built-in phrasing"


def test_privacy_and_compliance_answers_are_true_to_the_skill():
    """No privacy policy URL ships in the package: a placeholder would reach certification as if
    it were a policy. The deployer publishes deploy/privacy-policy.md filled in, and
    `make skill-endpoint PRIVACY_POLICY_URL=...` links it (tested below)."""
    assert MANIFEST["privacyAndCompliance"] == {
        "allowsPurchases": False,
        "usesPersonalInfo": False,
        "isChildDirected": False,
        "isExportCompliant": True,
        "containsAds": False,
    }


def test_the_privacy_policy_template_names_everything_the_skill_stores():
    from skill.state import LAST_VISIT, REVISION, Conversation

    template = (ROOT / "deploy" / "privacy-policy.md").read_text(encoding="utf-8")
    for field in (*Conversation.REMEMBERED, LAST_VISIT, REVISION):
        assert f"`{field}`" in template, f"the privacy policy does not say the skill keeps {field}"
    assert "forget me" in template
    assert "Disabling the skill" in template


def test_requests_and_the_skill_disabled_event_go_to_one_lambda_function():
    endpoint = MANIFEST["apis"]["custom"]["endpoint"]["uri"]
    assert LAMBDA_ARN.fullmatch(endpoint)
    assert MANIFEST["events"]["endpoint"]["uri"] == endpoint
    assert MANIFEST["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]


def test_forget_me_is_an_intent_with_natural_unique_samples():
    for locale in MODELS:
        samples = intents(locale)["DeleteDataIntent"]
        assert len(samples) >= 10
        others = {
            normalize(sample)
            for name, intent_samples in intents(locale).items()
            if name != "DeleteDataIntent"
            for sample in intent_samples
        }
        letters = language_of(locale)["letters"]
        launch_words = {phrase.split()[0] for phrase in language_of(locale)["launch"]}
        for sample in samples:
            assert re.fullmatch(rf"[{letters}' .]+", sample), sample
            assert not set(normalize(sample).split()) & launch_words, sample
            assert normalize(sample) not in others, sample
            assert Understanding(locale).understand(sample).intent == "DeleteDataIntent"
        assert len({normalize(sample) for sample in samples}) == len(samples)


def test_skill_endpoint_fills_both_endpoints_and_the_ask_states(tmp_path, monkeypatch):
    from deploy import skill_endpoint

    manifest = tmp_path / "skill.json"
    manifest.write_text((PACKAGE / "skill.json").read_text(encoding="utf-8"), encoding="utf-8")
    states = tmp_path / ".ask" / "ask-states.json"
    monkeypatch.setattr(skill_endpoint, "MANIFEST", manifest)
    monkeypatch.setattr(skill_endpoint, "ASK_STATES", states)
    arn = "arn:aws:lambda:us-east-1:123456789012:function:cramp-coach-CrampCoachFunction-AbC12"
    skill_id = "amzn1.ask.skill.12345678-abcd-ef01-2345-6789abcdef01"
    assert skill_endpoint.main([arn, "--skill-id", skill_id]) == 0
    filled = json.loads(manifest.read_text(encoding="utf-8"))["manifest"]
    assert filled["apis"]["custom"]["endpoint"]["uri"] == arn
    assert filled["events"]["endpoint"]["uri"] == arn
    assert filled["publishingInformation"] == MANIFEST["publishingInformation"]
    assert json.loads(states.read_text(encoding="utf-8"))["profiles"]["default"] == {
        "skillId": skill_id
    }
    with pytest.raises(SystemExit):
        skill_endpoint.main(["my-function"])


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    from deploy import skill_endpoint

    manifest = tmp_path / "skill.json"
    manifest.write_text((PACKAGE / "skill.json").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(skill_endpoint, "MANIFEST", manifest)
    monkeypatch.setattr(skill_endpoint, "ASK_STATES", tmp_path / ".ask" / "ask-states.json")
    return manifest


ARN = "arn:aws:lambda:us-east-1:123456789012:function:cramp-coach-CrampCoachFunction-AbC12"


def test_skill_endpoint_links_the_privacy_policy_for_every_locale(package_copy, capsys):
    from deploy import skill_endpoint

    assert skill_endpoint.main([ARN]) == 0
    assert "No privacy policy URL" in capsys.readouterr().err
    url = "https://cramp-coach.my-domain.net/privacy"
    assert skill_endpoint.main([ARN, "--privacy-policy-url", url]) == 0
    assert capsys.readouterr().err == ""
    filled = json.loads(package_copy.read_text(encoding="utf-8"))["manifest"]
    locales = filled["privacyAndCompliance"]["locales"]
    assert locales == {locale: {"privacyPolicyUrl": url} for locale in LOCALES}
    assert {k: v for k, v in filled["privacyAndCompliance"].items() if k != "locales"} == (
        MANIFEST["privacyAndCompliance"]
    )
    text = package_copy.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize(
    "url",
    [
        "http://cramp-coach.my-domain.net/privacy",
        "https://www.example.com/privacy.html",
        "https://privacy.example/cramp",
        "https://localhost/privacy",
        "cramp-coach.my-domain.net/privacy",
    ],
)
def test_skill_endpoint_refuses_a_privacy_policy_url_that_is_no_real_address(package_copy, url):
    from deploy import skill_endpoint

    with pytest.raises(SystemExit):
        skill_endpoint.main([ARN, "--privacy-policy-url", url])
    assert "privacyPolicyUrl" not in package_copy.read_text(encoding="utf-8")


def test_skill_endpoint_fills_a_manifest_downloaded_without_the_ask_cli(tmp_path, package_copy):
    """The path without the ASK CLI: the manifest as the developer console keeps it (icons as
    https addresses, no events) gets the endpoint and the SKILL_DISABLED subscription."""
    from deploy import skill_endpoint

    downloaded = tmp_path / "manifest.json"
    console = json.loads(package_copy.read_text(encoding="utf-8"))
    del console["manifest"]["events"]
    del console["manifest"]["apis"]["custom"]["endpoint"]
    downloaded.write_text(json.dumps(console), encoding="utf-8")
    url = "https://cramp-coach.my-domain.net/privacy"
    assert skill_endpoint.main([ARN, "--into", str(downloaded), "--privacy-policy-url", url]) == 0
    filled = json.loads(downloaded.read_text(encoding="utf-8"))["manifest"]
    assert filled["apis"]["custom"]["endpoint"] == {"uri": ARN}
    assert filled["events"] == {
        "endpoint": {"uri": ARN},
        "subscriptions": [{"eventName": "SKILL_DISABLED"}],
    }
    assert json.loads(package_copy.read_text(encoding="utf-8"))["manifest"] == MANIFEST
