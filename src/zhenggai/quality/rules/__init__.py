"""One module per quality rule; each defines ``RULE``, a :class:`~zhenggai.quality.engine.Rule`.

The module name is the rule id. The engine discovers the modules here by itself:
adding a rule is adding a module (and its test file), see ``docs/quality.md``.
"""
