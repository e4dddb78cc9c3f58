"""ivr: a phone-menu (IVR) simulator and auditor.

Menus are YAML phone trees (see ``docs/menu-format.md``). ``ivr.loader`` reads
them into frozen dataclasses (``ivr.model``), ``ivr.graph`` turns them into a
``networkx.DiGraph`` and ``ivr.engine`` runs calls through them.
"""

__version__ = "0.1.0"
