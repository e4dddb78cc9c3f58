"""Path tests: one scenario per unique path through a menu, run on the engine or over HTTP.

``scenario`` is the YAML format (docs/testing.md, ``ivr/schema/scenarios.schema.json``),
``explore`` finds the paths by driving the call engine itself (so a path test is what
the engine does, never a second reading of the menu), ``run`` plays scenarios on the
engine or against a live TwiML webhook with the HTTP caller.
"""
