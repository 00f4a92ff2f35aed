# SPDX-License-Identifier: GPL-3.0-or-later
import os
import subprocess

import pytest

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def cli():
    """Runs the scalecast tool (SCALECAST_CLI, default build/scalecast) from the project root;
    returns (exit code, stdout, stderr)."""
    exe = os.environ.get("SCALECAST_CLI", os.path.join(ROOT, "build", "scalecast"))
    if not os.path.exists(exe):
        pytest.fail("the scalecast tool is not built (%s): run `make build`" % exe)

    def run(*args):
        p = subprocess.run([exe, *args], cwd=ROOT, capture_output=True, text=True,
                           env=dict(os.environ, OMP_NUM_THREADS="2"))
        return p.returncode, p.stdout, p.stderr

    return run
