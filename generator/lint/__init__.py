"""Step 2 of the pipeline, check: the rule table, JSON Schema validation with its hints, the rule
modules (register, process, review) and the runner that applies them to a loaded ``Register``."""
