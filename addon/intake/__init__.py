"""Intake from the privacy mailbox: proposals from incoming messages, confirmed by a person."""
