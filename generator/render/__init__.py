"""What every output shares to turn the model into text: labels and words (i18n), escaping for
each output context, Mermaid diagrams and the one Jinja environment factory."""
