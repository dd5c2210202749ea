"""Cramp Coach: an Alexa skill that talks a person through a foot or leg cramp."""
