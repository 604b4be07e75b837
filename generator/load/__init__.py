"""Step 1 of the pipeline, load: the register repository's folder layout, the position-keeping
YAML loader, the ``Register`` of loaded documents (data only) and the repository's git history."""
