"""Shared test configuration: hypothesis profiles.

``ci`` (the default) is derandomised, so a run is reproducible; ``dev`` explores new examples; ``nightly``
explores many more (``HYPOTHESIS_PROFILE=nightly python3 -m pytest -m "not slow"``, see the README). Choose
with ``HYPOTHESIS_PROFILE=dev pytest`` or ``pytest --hypothesis-profile dev``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=30,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.register_profile("nightly", deadline=None, max_examples=2000,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
