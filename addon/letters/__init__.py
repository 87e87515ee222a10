"""Response letters per case type and outcome (Jinja2, overridable per organisation in DSAR_HOME/letters/)."""
