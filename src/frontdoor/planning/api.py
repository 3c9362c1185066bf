"""API: the staffing question, the same answer as `frontdoor staffing`."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field, model_validator

from .engine.erlang import StaffingError
from .engine.staffing import StaffingQuestion, answer

router = Router(tags=["Planning"])


class StaffingIn(Schema):
    arrivals: float = Field(ge=0, le=1_000_000)
    interval_minutes: float = Field(gt=0, le=1440)
    aht: float = Field(gt=0, le=86_400, description="average handle time in seconds")
    target_sl: float | None = Field(None, gt=0, lt=1)
    target_seconds: float = Field(20.0, ge=0, le=86_400)
    target_asa: float | None = Field(None, gt=0, le=86_400)
    patience: float | None = Field(None, gt=0, le=86_400, description="mean patience: Erlang A")
    shrinkage: float = Field(0.0, ge=0, lt=1)
    max_occupancy: float | None = Field(None, gt=0, le=1)

    @model_validator(mode="after")
    def one_goal(self) -> StaffingIn:
        if (self.target_sl is None) == (self.target_asa is None):
            raise ValueError("give either target_sl or target_asa")
        return self


class StaffingOut(Schema):
    model: str
    offered_load_erlangs: float
    agents: int
    service_level: float
    service_level_seconds: float
    asa_seconds: float
    p_wait: float
    p_abandon: float | None = None
    occupancy: float
    shrinkage: float
    staff_with_shrinkage: int


@router.get("/staffing", response=StaffingOut, summary="Agents needed for one interval's demand")
def staffing(request: HttpRequest, question: Query[StaffingIn]) -> dict[str, object]:
    try:
        return answer(
            StaffingQuestion(
                arrivals=question.arrivals,
                interval_minutes=question.interval_minutes,
                aht_seconds=question.aht,
                target_sl=question.target_sl,
                target_seconds=question.target_seconds,
                target_asa=question.target_asa,
                patience_seconds=question.patience,
                shrinkage=question.shrinkage,
                max_occupancy=question.max_occupancy,
            )
        )
    except StaffingError as error:
        raise HttpError(400, str(error)) from error
