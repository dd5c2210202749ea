"""The console's stand-in for AMAZON.TIME: a time of day typed in each shipped language, resolved
as Alexa resolves it ("21:00", or MO, AF, EV or NI for a part of the day alone)."""

import pytest

from console.nlu import resolve_time

ENGLISH = [
    ("nine p m", "21:00"),
    ("nine pm", "21:00"),
    ("nine", "09:00"),
    ("9", "09:00"),
    ("twelve a m", "00:00"),
    ("twelve p m", "12:00"),
    ("seven thirty a m", "07:30"),
    ("six oh five a m", "06:05"),
    ("eight fifteen p m", "20:15"),
    ("nine thirty five in the evening", "21:35"),
    ("9 45 pm", "21:45"),
    ("nine o'clock at night", "21:00"),
    ("ten tonight", "22:00"),
    ("half past seven", "07:30"),
    ("quarter past eight in the morning", "08:15"),
    ("quarter to nine p m", "20:45"),
    ("quarter to one", "12:45"),
    ("noon", "12:00"),
    ("midday", "12:00"),
    ("midnight", "00:00"),
    ("in the morning", "MO"),
    ("the afternoon", "AF"),
    ("in the evening", "EV"),
    ("at night", "NI"),
    ("night", "NI"),
]


@pytest.mark.parametrize(("spoken", "value"), ENGLISH)
def test_a_time_in_english(spoken, value):
    assert resolve_time(spoken) == value
