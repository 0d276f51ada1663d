"""CP-SAT racing HiGHS to a whole-secondment program's proof (``rotation.solver.race``)."""

from __future__ import annotations

import threading
import time
from typing import Any

import highspy
import pytest
from ortools.sat.python import cp_model

from rotation.generate import generate_problem
from rotation.solver import race
from rotation.solver.highs import ColumnArrays
from rotation.solver.model import build_model
from rotation.solver.secondment_mip import MipOptimum, SecondmentMip


def _cover(seed: int) -> tuple[SecondmentMip, Any]:
    """A tight S instance's whole-secondment model, and its cover tier."""
    built = build_model(generate_problem(posts=5, candidates=20, months=36, seed=seed,
                                         tight=True))
    mip = SecondmentMip.of(built.model)
    assert mip is not None
    return mip, next(tier for tier in built.tiers if tier.goal == "cover")


def test_cp_sat_s_copy_of_a_program_has_its_optimum() -> None:
    mip, cover = _cover(1)
    by_highs = mip.optimum(cover, 60)
    assert by_highs is not None and by_highs.proven
    program = ColumnArrays.of(mip.highs)
    assert race.whole(program)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.max_time_in_seconds = 60
    assert solver.solve(race.cp_sat_copy(program)) == cp_model.OPTIMAL
    assert round(solver.objective_value + program.offset) == by_highs.value == 32


def test_cp_sat_s_search_ends_at_its_first_plan_on_the_floor() -> None:
    # CP-SAT takes seconds to prove seed 41's cover of 30; given 30 as the floor, its first
    # plan there ends the search, unproven by CP-SAT itself: the floor proves it.
    mip, cover = _cover(41)
    mip.optimum(cover, 0.01)  # (HiGHS now holds the cover's costs)
    proof = race.ProofRace(mip.highs, 60, 30.0)
    proof._search()
    assert proof.optimum == 30
    assert proof._solver.response_proto.status == cp_model.FEASIBLE
    # With no floor, the same search runs on to its own proof.
    unfloored = race.ProofRace(mip.highs, 60, None)
    unfloored._search()
    assert unfloored.optimum == 30
    assert unfloored._solver.response_proto.status == cp_model.OPTIMAL


def _raced(monkeypatch: pytest.MonkeyPatch, proven: float | None
           ) -> tuple[MipOptimum | None, Any]:
    """Seed 3's cover, raced with a CP-SAT search that proves ``proven`` at once (None: that
    never proves anything)."""
    def search(self: race.ProofRace) -> None:
        self.optimum = proven

    monkeypatch.setattr(race.ProofRace, "_search", search)
    mip, cover = _cover(3)
    found = mip.optimum(cover, 60, race=True)
    return found, mip.highs.getModelStatus()


def test_a_race_gives_highs_s_plan_whichever_search_proves_first(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Seed 3: HiGHS finds the best cover (31) within a second and takes seconds more to prove
    # it. Stopped there by CP-SAT's proof, it hands back the plan it ends with on its own.
    alone, status = _raced(monkeypatch, None)
    assert alone is not None and alone.proven and alone.value == 31
    assert status == highspy.HighsModelStatus.kOptimal
    raced, status = _raced(monkeypatch, 31.0)
    assert raced is not None and raced.proven
    assert status == highspy.HighsModelStatus.kInterrupt  # (stopped before its own proof)
    assert (raced.value, raced.plan) == (alone.value, alone.plan)


def test_a_search_begun_before_the_race_is_the_one_raced(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Seed 3's cover: CP-SAT's search begun before HiGHS's (here proving 31 at once) stops
    # HiGHS at its first plan there, as a search begun with it does; no second one starts.
    searches: list[race.ProofRace] = []

    def search(self: race.ProofRace) -> None:
        searches.append(self)
        self.optimum = 31.0

    monkeypatch.setattr(race.ProofRace, "_search", search)
    mip, cover = _cover(3)
    proof = mip.proof_race(cover, 60)
    assert proof is not None
    found = mip.optimum(cover, 60, race=True, started=proof)
    proof.stop()
    assert searches == [proof]
    assert mip.highs.getModelStatus() == highspy.HighsModelStatus.kInterrupt
    assert found is not None and found.proven and found.value == 31


def test_a_floor_given_after_cp_sat_s_plan_there_ends_its_search() -> None:
    # Seed 41's cover (30): the search starts with no floor; once it has a plan at 30, the
    # floor of 30 arrives (as the patterns' floor does, see ``_Stages._second_opinion``) and
    # ends it there, seconds before its own proof.
    mip, cover = _cover(41)
    proof = mip.proof_race(cover, 60)
    assert proof is not None
    waited = time.monotonic()
    while proof._at_floor.best > 30 and time.monotonic() - waited < 30:
        time.sleep(0.01)
    proof.hold_at(30.0)
    proof._ended.wait(30)
    assert proof.optimum == 30
    assert proof._solver.response_proto.status == cp_model.FEASIBLE
    proof.stop()


def test_a_program_cp_sat_cannot_state_is_highs_s_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(race, "whole", lambda program: False)
    searched: list[bool] = []
    monkeypatch.setattr(race.ProofRace, "start", lambda self: searched.append(True))
    mip, cover = _cover(1)
    found = mip.optimum(cover, 60, race=True)
    assert found is not None and found.proven and found.value == 32
    assert searched == []


def test_a_stop_asked_as_cp_sat_starts_its_search_still_ends_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # CP-SAT takes seconds (4 to over 60) to prove seed 41's cover. The stop is asked while
    # the search thread is past its last look and not yet searching (a stop CP-SAT does not
    # hear): it is asked again until the search ends, so the race ends at once, unproven.
    class Unheard(threading.Event):
        def is_set(self) -> bool:
            return False

    mip, cover = _cover(41)
    mip.optimum(cover, 0.01)  # (HiGHS now holds the cover's costs)
    proof = race.ProofRace(mip.highs, 60, None)
    proof._stopped = Unheard()
    built = race.cp_sat_copy

    def built_once_stopped(program: Any) -> Any:
        proof._stopped.wait()
        time.sleep(0.3)
        return built(program)

    monkeypatch.setattr(race, "cp_sat_copy", built_once_stopped)
    proof.start()
    started = time.monotonic()
    proof.stop()
    assert time.monotonic() - started < 2.5
    assert proof.optimum is None
