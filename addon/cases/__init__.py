"""Cases: one data-subject request each, with its lifecycle, deadlines and (sealed) subject identifiers."""
