"""Whole conversations in French, as people in France and in Québec say them: each utterance is
understood with the locale's interaction model and sent as a real fr-FR or fr-CA envelope.

What the skill should say is written here in French, not read from the content, so a reply that
drifts into English, or names another country's number, or loses its first instruction, fails.
"""

import pytest
import test_screens
from alexa_rules import check_response
from helpers import language_model_of, person, said
from test_content_fr import ENGLISH
from test_every_response import explore

from console.nlu import Match, SlotMatch
from skill import content as skill_content
from skill.app import create_skill
from skill.reminder_replies import spoken_time
from skill.reminders import ClockTime

CALF_FIRST_STEP = "Arrêtez-vous, tendez la jambe, et ramenez vos orteils vers vous, vers le tibia."
CHECK = "Petite vérification d'abord : votre jambe est-elle gonflée, rouge, chaude"
#: How each country names its emergency number, and where to be seen the same day.
NUMBER = {"fr-FR": "le quinze", "fr-CA": "le neuf un un"}
SAME_DAY = {
    "fr-FR": "Faites-vous examiner aujourd'hui, par votre médecin, ou par un médecin de garde.",
    "fr-CA": "Faites-vous examiner aujourd'hui, dans une clinique sans rendez-vous, ou par un"
    " médecin.",
}
#: Who to see about what can wait a few days.
FAMILY_DOCTOR = {"fr-FR": "votre médecin traitant", "fr-CA": "un médecin"}
#: The same cramp, said as people say it in each country.
CALF_CRAMP = {"fr-FR": "j'ai une crampe au mollet", "fr-CA": "j'ai pogné une crampe dans le mollet"}


@pytest.fixture(params=sorted(NUMBER))
def locale(request):
    return request.param


@pytest.fixture
def french(locale):
    return person(locale=locale)


def test_a_calf_cramp_starts_with_what_to_do_in_french(french, locale):
    turn = french.say(CALF_CRAMP[locale])
    assert turn.request["request"]["locale"] == locale
    assert said(turn).startswith(f"D'accord. {CALF_FIRST_STEP}")
    assert "jamais jusqu'à la douleur vive" in said(turn)
    assert "dix secondes" in said(turn) and "trente" in said(turn)
    assert not turn.session_ended
    assert turn.card["title"] == "Étapes pour une crampe : le mollet"
    assert f"En cas d'urgence, appelez {NUMBER[locale]}." in turn.card["content"]
    check_response(turn.response)


@pytest.mark.parametrize(
    ("utterance", "sequence", "first_words"),
    [
        (
            "j'ai une crampe au pied",
            "foot",
            "Arrêtez-vous, asseyez-vous, et ramenez vos orteils et",
        ),
        (
            "mes orteils se recroquevillent",
            "toes",
            "Arrêtez-vous, asseyez-vous, relevez vos orteils",
        ),
        (
            "crampe à la voûte plantaire",
            "arch",
            "Arrêtez-vous, asseyez-vous, et ramenez vos orteils",
        ),
        ("mon mollet est tout dur", "calf", "Arrêtez-vous, tendez la jambe"),
        (
            "j'ai une crampe à l'arrière de la cuisse",
            "hamstring",
            "Arrêtez-vous, asseyez-vous, cette",
        ),
        (
            "j'ai une crampe au quadriceps",
            "thigh_front",
            "Arrêtez-vous, et allongez-vous sur le côté",
        ),
        ("j'ai une crampe à la jambe", "general", "Arrêtez-vous, et tendez la jambe"),
        ("j'ai une crampe", "general", "Arrêtez-vous, et tendez la jambe"),
        (
            "j'ai une crampe au talon",
            "foot",
            "Arrêtez-vous, asseyez-vous, et ramenez vos orteils et",
        ),
        (
            "j'ai des crampes dans les deux jambes",
            "both_legs",
            "Arrêtez-vous, et asseyez-vous, les",
        ),
        (
            "j'ai une crampe à l'arrière de la jambe",
            "back_of_leg",
            "Arrêtez-vous, asseyez-vous, cette",
        ),
        ("mon tendon d'achille est tout tendu", "calf", "Arrêtez-vous, tendez la jambe"),
    ],
)
def test_each_body_part_gets_its_own_steps_in_france(utterance, sequence, first_words):
    turn = person(locale="fr-FR").say(utterance)
    assert said(turn).startswith(f"D'accord. {first_words}")
    assert turn.response["sessionAttributes"]["sequence"] == sequence


@pytest.mark.parametrize(
    "utterance", ["j'ai une crampe au tibia", "j'ai une crampe sur le dessus du pied"]
)
def test_the_shin_and_the_top_of_the_foot_ease_the_foot_down(utterance):
    first = said(person(locale="fr-FR").say(utterance))
    assert first.startswith("D'accord. Arrêtez-vous, asseyez-vous, et pointez doucement le pied")
    assert "vers le bas" in first and "vers le tibia" not in first


@pytest.mark.parametrize(
    ("utterance", "asked", "answer", "sequence", "first_words"),
    [
        ("j'ai une crampe à la cuisse", "cuisse", "derrière", "hamstring", "Arrêtez-vous, assey"),
        (
            "j'ai une crampe à la cuisse",
            "cuisse",
            "devant",
            "thigh_front",
            "Arrêtez-vous, et allon",
        ),
        (
            "j'ai une crampe à la cheville",
            "cheville",
            "à l'arrière",
            "calf",
            "Arrêtez-vous, tendez",
        ),
        (
            "j'ai une crampe à la cheville",
            "cheville",
            "devant",
            "top_of_foot",
            "Arrêtez-vous, assey",
        ),
    ],
)
def test_the_thigh_or_the_ankle_alone_asks_front_or_back_first(
    french, utterance, asked, answer, sequence, first_words
):
    question = french.say(utterance)
    assert said(question).startswith("D'accord. Arrêtez-vous, et asseyez-vous ou allongez-vous.")
    assert f"sur le devant de la {asked}, ou à l'arrière" in said(question)
    turn = french.say(answer)
    assert turn.request["request"]["intent"]["name"] == "SideIntent"
    assert turn.response["sessionAttributes"]["sequence"] == sequence
    assert first_words in said(turn)


@pytest.mark.parametrize(
    ("utterance", "sequence"),
    [
        ("mon pied barre", "foot"),
        ("ça me pogne dans le mollet", "calf"),
        ("j'ai une crampe en arrière de la cuisse", "hamstring"),
        ("j'ai une crampe en avant de la cuisse", "thigh_front"),
        ("ayoye", "general"),
    ],
)
def test_quebec_words_reach_the_right_steps(utterance, sequence):
    turn = person(locale="fr-CA").say(utterance)
    assert said(turn).startswith("D'accord. Arrêtez-vous")
    assert turn.response["sessionAttributes"]["sequence"] == sequence


def test_relief_through_to_the_end_in_french(french, locale):
    french.say(CALF_CRAMP[locale])
    step = french.say("suivant")
    assert said(step).startswith("Si vous pouvez vous lever, tenez-vous au mur")
    check = french.say("suivant")
    assert said(check).startswith(CHECK)
    rub = french.say("non")
    assert said(rub).startswith("Bien, continuons. Maintenant, massez fermement le mollet")
    worse = french.say("ça fait encore mal")
    assert said(worse).startswith("Essayons autre chose. Si vous pouvez, marchez lentement")
    warmth = french.say("ça fait encore mal")
    assert "tiède, pas chaude, et testez-la d'abord avec la main" in said(warmth)
    assert "une minute" in said(warmth)
    gone = french.say("c'est passé")
    assert said(gone).startswith("Bien, la crampe a lâché.")
    assert said(gone).endswith("Voulez-vous quelques conseils pour éviter qu'elle revienne ?")
    assert f"En cas d'urgence, appelez {NUMBER[locale]}." in gone.card["content"]
    done = french.say("non merci")
    assert said(done) == "D'accord. Prenez bien soin de vous."
    assert done.session_ended


def test_yes_to_the_check_stops_the_steps_and_names_the_countrys_number(french, locale):
    french.say(CALF_CRAMP[locale])
    assert said(french.say("ça fait encore mal")).startswith(CHECK)
    turn = french.say("oui")
    assert said(turn).startswith(
        "Alors arrêtez les étirements, et ne massez pas la jambe, ne la réchauffez pas."
    )
    assert f"appelez {NUMBER[locale]} tout de suite" in said(turn)
    assert "faites-vous examiner aujourd'hui" in said(turn)


def test_it_still_hurts_to_the_end_names_the_countrys_number_and_stays(french, locale):
    french.say(CALF_CRAMP[locale])
    turn = french.say("ça fait encore mal")
    for _ in range(12):
        answer = "non" if said(turn).startswith(CHECK) else "ça fait encore mal"
        turn = french.say(answer)
        if said(turn).startswith("Cette crampe dure."):
            break
    assert said(turn).startswith("Cette crampe dure.")
    assert f"appelez {NUMBER[locale]} tout de suite" in said(turn)
    assert said(turn).endswith("On continue à la détendre, doucement ?")
    assert not turn.session_ended


def test_a_driver_pulls_over_first_then_hears_the_first_step(french):
    turn = french.say("je conduis et j'ai une crampe au mollet")
    assert turn.request["request"]["intent"]["name"] == "DrivingIntent"
    assert said(turn).startswith("Dès que vous pouvez le faire sans danger, garez-vous")
    assert said(turn).endswith("dites prêt.")
    ready = french.say("je suis garé")
    assert ready.request["request"]["intent"]["name"] == "AMAZON.ResumeIntent"
    assert CALF_FIRST_STEP in said(ready)


def test_not_yet_ouch_and_a_minute_keep_the_step(french, locale):
    french.say(CALF_CRAMP[locale])
    assert said(french.say("pas encore")).startswith("Ce n'est pas grave. Continuez, doucement.")
    assert said(french.say("aïe")).startswith("Relâchez un peu")
    wait = french.say("donne moi une minute")
    assert said(wait).startswith("D'accord, prenez votre temps. J'attends avec vous.")
    assert wait.response["sessionAttributes"]["step"] == 0


def test_pain_alone_is_not_taken_for_a_cramp(french):
    turn = french.say("j'ai mal au mollet")
    assert turn.request["request"]["intent"]["name"] == "AMAZON.FallbackIntent"


def test_opening_the_skill_then_yes_starts_the_steps(french):
    opened = french.say("ouvre coach crampes")
    assert opened.request["request"]["type"] == "LaunchRequest"
    assert said(opened).startswith("Ici Coach Crampes. Vous avez une crampe en ce moment ?")
    answer = french.say("oui")
    assert said(answer).startswith("D'accord. Arrêtez-vous, et tendez la jambe")


def test_a_one_shot_request_through_the_invocation_name(french, locale):
    turn = french.say(f"dis à coach crampes que {CALF_CRAMP[locale]}")
    assert turn.request["session"]["new"] is True
    assert said(turn).startswith(f"D'accord. {CALF_FIRST_STEP}")


def test_a_question_about_prevention_in_french(french, locale):
    turn = french.say("demande à coach crampes comment éviter les crampes")
    disclaimer, _, advice = said(turn).partition(" Voici les trois choses")
    assert disclaimer.endswith(f"En cas d'urgence, appelez {NUMBER[locale]}."), "first use"
    assert advice.startswith(" qui peuvent aider le plus.")
    assert said(turn).endswith("Voulez-vous en entendre plus ?")
    more = french.say("oui")
    assert said(more).startswith("Bien boire.")
    assert french.say("non").session_ended


def test_a_prevention_topic_goes_straight_to_its_page(french):
    turn = french.say("est ce que le sport aide contre les crampes")
    assert "Le sport. Augmentez la durée et l'intensité" in said(turn)
    assert turn.request["request"]["intent"]["slots"]["topic"]["value"] == "le sport"


def test_an_ambulance_gets_the_countrys_number_and_never_an_offer_to_call(french, locale):
    turn = french.say("appelle une ambulance")
    assert said(turn) == (
        f"Je ne peux pas passer d'appel. Si c'est une urgence, appelez {NUMBER[locale]} tout de"
        " suite."
    )
    assert turn.session_ended
    assert turn.card["title"] == "Quand consulter"


def test_asking_for_the_countrys_number_by_name():
    for locale, asked in (("fr-FR", "appelle le quinze"), ("fr-CA", "appelle le neuf un un")):
        turn = person(locale=locale).say(asked)
        assert turn.request["request"]["intent"]["name"] == "CallForHelpIntent"
        assert NUMBER[locale] in said(turn)


@pytest.mark.parametrize(
    ("utterance", "urgency"),
    [
        ("j'ai mal à la poitrine", "emergency"),
        ("j'ai du mal à respirer", "emergency"),
        ("mon mollet est gonflé", "same_day"),
        ("ma jambe est rouge", "same_day"),
        ("j'ai le pied engourdi", "soon"),
        ("j'ai des crampes toutes les nuits", "soon"),
    ],
)
def test_a_named_symptom_hears_how_urgent_it_is_first(french, locale, utterance, urgency):
    first_words = {
        "emergency": f"Appelez {NUMBER[locale]} tout de suite.",
        "same_day": SAME_DAY[locale],
        "soon": f"Consultez bientôt {FAMILY_DOCTOR[locale]}.",
    }[urgency]
    turn = french.say(utterance)
    assert turn.request["request"]["intent"]["name"] == "SeeDoctorIntent"
    assert said(turn).startswith(first_words)


def test_a_red_flag_mid_cramp_names_the_countrys_number(french, locale):
    french.say(CALF_CRAMP[locale])
    turn = french.say("j'ai mal à la poitrine")
    assert said(turn).startswith(f"Appelez {NUMBER[locale]} tout de suite.")


def test_help_fallback_routine_tip_and_forget_me_speak_french(french):
    assert said(french.say("aide")).startswith("Je peux vous guider pendant une crampe")
    french.say("stop")
    assert said(french.say("quelle heure est il")).startswith("Pardon, je n'ai pas compris.")
    french.say("stop")
    routine = french.say("guide moi dans mes étirements")
    assert "Voici une courte routine quotidienne pour les pieds et les mollets" in said(routine)
    assert "Étirement du mollet contre un mur." in said(routine)
    paused = french.say("pause")
    assert said(paused).startswith("En pause.")
    french.say("stop")
    assert said(french.say("donne moi un conseil")).startswith("Voici une astuce.")
    assert said(french.say("oublie moi")).startswith("C'est fait.")


@pytest.mark.parametrize(
    ("hour", "minute", "spoken"),
    [
        (21, 0, "vingt et une heures"),
        (7, 30, "sept heures trente"),
        (18, 5, "dix-huit heures cinq"),
        (22, 41, "vingt-deux heures quarante et une"),
        (12, 0, "midi"),
        (12, 30, "midi trente"),
        (0, 0, "minuit"),
        (9, 0, "neuf heures"),
    ],
)
def test_a_reminder_time_is_said_on_twenty_four_hours(locale, hour, minute, spoken):
    assert spoken_time(skill_content.for_locale(locale), ClockTime(hour, minute)) == spoken


def test_a_reminder_is_restated_in_french_before_anything_is_set(french):
    time = SlotMatch("time", "vingt et une heures", "21:00", "21:00", "AMAZON.TIME")
    asked = french.send_intent(
        "rappelle moi de m'étirer tous les soirs à vingt et une heures",
        Match("SetReminderIntent", {"time": time}, ("time",)),
    )
    assert said(asked) == "Je mets un rappel d'étirements à vingt et une heures, tous les jours ?"
    assert not asked.session_ended


def test_without_a_time_a_reminder_asks_for_one_in_french(french):
    asked = french.say("mets un rappel d'étirements")
    assert asked.request["request"]["intent"]["name"] == "SetReminderIntent"
    assert said(asked) == "À quelle heure, chaque jour ? Par exemple, dites vingt heures."
    assert french.say("annule mon rappel d'étirements").request["request"]["intent"]["name"] == (
        "CancelReminderIntent"
    )


def test_every_response_in_every_state_is_french_and_keeps_alexas_rules(locale):
    """Every intent of the locale's model (each slot value, and none) in every state it reaches,
    as test_every_response does for en-US: each answer keeps Alexa's limits and has no English."""
    other_numbers = {number for where, number in NUMBER.items() if where != locale}

    def french_and_its_own_number(request, response):
        if "outputSpeech" in response["response"]:
            text = said(response)
            assert not ENGLISH.search(text), f"English in {text!r}"
            assert not any(number in text for number in other_numbers), text

    language_model = language_model_of(locale)
    checked, states = explore(create_skill(), language_model, french_and_its_own_number, locale)
    assert len(states) > 20 and checked > 1000


# --- screens -------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", sorted(test_screens.PROFILES))
@pytest.mark.parametrize("locale", sorted(NUMBER))
def test_every_french_step_and_stretch_fits_on_the_screen(locale, profile):
    """French runs longer than English: the same fit, worked out the same way, in French."""
    test_screens.test_every_step_and_stretch_fits_on_the_screen(
        skill_content.for_locale(locale), profile
    )
