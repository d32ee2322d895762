"""HiGHS's native prints must not reach stdout (JSON output goes there)."""

from __future__ import annotations

import os

import pytest

from cloudwright.optimizer.solver.model import silence_native_stdout


def test_native_writes_to_fd1_are_discarded_and_fd1_restored(
    capfd: pytest.CaptureFixture[str],
) -> None:
    with silence_native_stdout():
        os.write(1, b"HighsMipSolverData::debug\n")
    os.write(1, b"after\n")
    out, err = capfd.readouterr()
    assert "HighsMipSolverData" not in out + err
    assert out == "after\n"
