"""Errors shown to users: one line saying what is wrong and how to mend it."""


class DuchaError(Exception):
    """Base of every error ducha reports to a user (one line, Chinese or English, with the fix)."""


class PolicyError(DuchaError):
    """A jurisdiction's policy data is inconsistent (raised when the policy is compiled)."""


class PluginError(DuchaError):
    """A plugin could not be found, loaded or registered."""


class ActionRefused(DuchaError):
    """An event the procedure does not allow in the matter's state, or for the actor's role."""


class InputError(DuchaError):
    """Bad user input: unknown unit or person, malformed date, broken file."""
