"""ducha (督查): a plugin framework for Chinese government supervision work.

The core knows matters, events, procedures, periods, the working-day calendar and documents; every
rule of a jurisdiction comes from its plugin (see ``ducha_core.hookspecs``).
"""

from ducha_core.hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["__version__", "hookimpl"]
