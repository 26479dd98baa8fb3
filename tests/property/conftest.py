"""Hypothesis profiles for the property tests.

``dev`` (the default): new random examples every run, so runs keep exploring; a failure is saved
in the local example database and replayed first next time. ``ci`` (``HYPOTHESIS_PROFILE=ci``,
or whenever ``CI`` is set): derandomized, so a run tries the same examples as the last and a
mutant killed once is killed every time (the mutation stage relies on it); no example database.
Example counts are set per test (``settings(max_examples=...)``) and are the same in both.
"""
from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
