"""HiGHS's native prints must not reach stdout (JSON output goes there)."""

from __future__ import annotations

import os

import pytest

from optimizer.solver.model import native_stdout_to_stderr


def test_native_writes_to_fd1_land_on_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    with native_stdout_to_stderr():
        os.write(1, b"HighsMipSolverData::debug\n")
    os.write(1, b"after\n")
    out, err = capfd.readouterr()
    assert "HighsMipSolverData" in err
    assert "HighsMipSolverData" not in out
    assert out == "after\n"  # fd 1 is restored
