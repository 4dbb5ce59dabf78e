"""Settings of the processes the scale-out test starts: the product's own, plus a shared clock.

The web and worker processes read `caredesk.core.clock.now()` like any other; this adds an app
whose only job is to move that clock by an offset the test writes to a file, so time moves in
every process at once without anyone sleeping (tests/scaleout/sharedclock.py).
"""

from caredesk.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.scaleout.sharedclock.SharedClockConfig"]  # noqa: F405

# WhiteNoise warns at start-up about a missing collected-static folder; a release runs
# collectstatic first (operator guide), this throwaway installation serves nothing static.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
