"""Service levels: business calendars, policies, clocks, warnings and breaches."""
