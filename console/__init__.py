"""The text console: a door into the skill, like lambda/ and webserver/; never shipped."""
