"""Step 3 of the pipeline, model: the one model of a valid register, built once and read by the
site, every export, the dashboard and the diagrams."""
