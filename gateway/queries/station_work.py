"""projects, groups, activities, publicity, surveys; stationDashboard and districtOverview."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from gateway.consistency import ConsistencyToken
from gateway.context import Context, graphql_error
from gateway.read_after_write.merging import room_for_a_write, with_write
from gateway.types.pages import Connection, first_of, page_of
from gateway.types.work import (
    Activity,
    CommunityUse,
    CompoundIssue,
    DistrictOverview,
    Group,
    GroupPhase,
    JointMeeting,
    MonthlyRequirement,
    Organisation,
    OrganisationCount,
    OrganisationStatus,
    OrganisationType,
    PersonTimeRow,
    Project,
    ProjectMeeting,
    PublicityItem,
    PublicityLevel,
    ReportKind,
    Resource,
    ResourceKind,
    StaffMember,
    StationCompliance,
    StationDashboard,
    Supervision,
    Survey,
    UnresolvedCommunity,
    Volunteer,
    VolunteerTeam,
    WorkReport,
    community_id_of,
)
from shared.contracts.errors import DomainError

MONTH = "YYYY-MM, China time; default this month"
MONTH_NOT_YEAR = "YYYY-MM: that month instead of the whole year"


async def projects(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                   year: Annotated[int | None, strawberry.argument(description="Running in this year")] = None,
                   first: int = 20, after: str | None = None,
                   consistency_token: ConsistencyToken = None) -> Connection[Project]:
    page = await info.context.query("projects", {"station_id": station_id, "year": year, "first": first,
                                                 "after": after}, consistency_token)
    return page_of(page, Project.from_row)


async def project(info: strawberry.Info[Context, None], id: strawberry.ID,
                  consistency_token: ConsistencyToken = None) -> Project | None:
    page = await info.context.query("projects", {"project_id": str(id), "first": 1}, consistency_token)
    return first_of(page, Project.from_row)


async def groups(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                 project_id: strawberry.ID | None = None, phase: GroupPhase | None = None, first: int = 20,
                 after: str | None = None, consistency_token: ConsistencyToken = None) -> Connection[Group]:
    page = await info.context.query("groups", {"station_id": station_id, "project_id": project_id, "phase": phase,
                                               "first": first, "after": after}, consistency_token)
    return page_of(page, Group.from_row)


async def group(info: strawberry.Info[Context, None], id: strawberry.ID,
                consistency_token: ConsistencyToken = None) -> Group | None:
    page = await info.context.query("groups", {"group_id": str(id), "first": 1}, consistency_token)
    return first_of(page, Group.from_row)


async def activities(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                     project_id: strawberry.ID | None = None,
                     month: Annotated[str | None, strawberry.argument(description="YYYY-MM")] = None,
                     first: int = 20, after: str | None = None,
                     consistency_token: ConsistencyToken = None) -> Connection[Activity]:
    page = await info.context.query("activities", {"station_id": station_id, "project_id": project_id,
                                                   "month": month, "first": first, "after": after}, consistency_token)
    return page_of(page, Activity.from_row)


async def publicity(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                    level: PublicityLevel | None = None, year: int | None = None, first: int = 20,
                    after: str | None = None, consistency_token: ConsistencyToken = None) -> Connection[PublicityItem]:
    page = await info.context.query("publicity", {"station_id": station_id, "level": level, "year": year,
                                                  "first": first, "after": after}, consistency_token)
    return page_of(page, PublicityItem.from_row)


async def surveys(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None, first: int = 20,
                  after: str | None = None, consistency_token: ConsistencyToken = None) -> Connection[Survey]:
    page = await info.context.query("surveys", {"station_id": station_id, "first": first, "after": after},
                                    consistency_token)
    return page_of(page, Survey.from_row)


FROM = ("The period's first day, for any range of days instead of a month or a year (not before 2015, not after "
        "today; at most 10 years to `to`)")
TO = "The period's last day, included (default today; not before `from`)"


async def station_dashboard(info: strawberry.Info[Context, None], station_id: strawberry.ID,
                            month: Annotated[str | None, strawberry.argument(description=MONTH)] = None,
                            year: Annotated[int | None, strawberry.argument(
                                description="That whole year instead of a month")] = None,
                            from_: Annotated[date | None, strawberry.argument(name="from", description=FROM)] = None,
                            to: Annotated[date | None, strawberry.argument(description=TO)] = None,
                            consistency_token: ConsistencyToken = None) -> StationDashboard:
    found = await info.context.query("station_dashboard", {
        "station_id": str(station_id), "month": month, "year": year, "from": from_ and from_.isoformat(),
        "to": to and to.isoformat()}, consistency_token)
    return StationDashboard.from_answer(found)


async def district_overview(info: strawberry.Info[Context, None], year: int | None = None,
                            month: Annotated[str | None, strawberry.argument(description=MONTH_NOT_YEAR)] = None,
                            from_: Annotated[date | None, strawberry.argument(name="from", description=FROM)] = None,
                            to: Annotated[date | None, strawberry.argument(description=TO)] = None,
                            as_of: date | None = None, consistency_token: ConsistencyToken = None) -> DistrictOverview:
    found = await info.context.query("district_overview", {
        "year": year, "month": month, "from": from_ and from_.isoformat(), "to": to and to.isoformat(),
        "as_of": as_of and as_of.isoformat()}, consistency_token)
    return DistrictOverview.from_answer(found)


async def person_times(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                       year: int | None = None,
                       month: Annotated[str | None, strawberry.argument(description=MONTH_NOT_YEAR)] = None,
                       consistency_token: ConsistencyToken = None) -> list[PersonTimeRow]:
    found = await info.context.query("person_times", {"station_id": station_id, "year": year, "month": month},
                                     consistency_token)
    return [PersonTimeRow.from_row(row) for row in found["rows"]]


async def staff(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                include_left: bool = False, first: int = 20, after: str | None = None,
                consistency_token: ConsistencyToken = None) -> Connection[StaffMember]:
    page = await info.context.query("staff", {"station_id": station_id, "include_left": include_left,
                                              "first": first, "after": after}, consistency_token)
    return page_of(page, StaffMember.from_row)


async def resources(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                    kind: ResourceKind | None = None, first: int = 20, after: str | None = None,
                    consistency_token: ConsistencyToken = None) -> Connection[Resource]:
    page = await info.context.query("resources", {"station_id": station_id, "kind": kind, "first": first,
                                                  "after": after}, consistency_token)
    return page_of(page, Resource.from_row)


async def supervisions(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None, first: int = 20,
                       after: str | None = None, consistency_token: ConsistencyToken = None) -> Connection[Supervision]:
    page = await info.context.query("supervisions", {"station_id": station_id, "first": first, "after": after},
                                    consistency_token)
    return page_of(page, Supervision.from_row)


async def project_meetings(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                           first: int = 20, after: str | None = None,
                           consistency_token: ConsistencyToken = None) -> Connection[ProjectMeeting]:
    page = await info.context.query("meetings", {"station_id": station_id, "first": first, "after": after},
                                    consistency_token)
    return page_of(page, ProjectMeeting.from_row)


async def monthly_compliance(info: strawberry.Info[Context, None],
                             month: Annotated[str, strawberry.argument(description="YYYY-MM, China time")],
                             station_id: strawberry.ID | None = None,
                             consistency_token: ConsistencyToken = None) -> list[StationCompliance]:
    found = await info.context.query("monthly_compliance", {"month": month, "station_id": station_id},
                                     consistency_token)
    return [StationCompliance(station_id=strawberry.ID(r["station_id"]), supervisions=r["supervisions"],
                              offline_meetings=r["offline_meetings"], online_meetings=r["online_meetings"],
                              missing=[MonthlyRequirement(m) for m in r["missing"]]) for r in found["stations"]]


async def volunteers(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                     leaders_only: bool = False, first: int = 20, after: str | None = None,
                     consistency_token: ConsistencyToken = None) -> Connection[Volunteer]:
    page = await info.context.query("volunteers", {"station_id": station_id, "leaders_only": leaders_only,
                                                   "first": first, "after": after}, consistency_token)
    return page_of(page, Volunteer.from_row)


async def volunteer(info: strawberry.Info[Context, None], id: strawberry.ID,
                    consistency_token: ConsistencyToken = None, purpose: str | None = None) -> Volunteer | None:
    """A volunteer, personal data masked; with `purpose`, station staff read ID number, contact and birth date in
    clear, and the read is recorded for the audit (volunteerDataReads), as a recipient's is."""
    if purpose is not None:
        try:
            earlier = await room_for_a_write(info.context, consistency_token)  # an unmasked read records its audit
        except DomainError as error:
            raise graphql_error(error) from error
    page = await info.context.query("volunteers", {"volunteer_id": str(id), "first": 1}, consistency_token)
    found = first_of(page, Volunteer.from_row)
    if found is None or purpose is None:
        return found
    read = await info.context.query("volunteer_unmasked", {"volunteer_id": str(id), "purpose": purpose},
                                    service="activities")
    if read["volunteer"] is None:
        return None
    found.unmasked = read["volunteer"]
    if "position" in read:
        found.consistency_token = with_write(info.context, earlier, read["position"])
    elif consistency_token:
        found.consistency_token = info.context.tokens.sign(earlier)  # nothing disclosed: the client's token goes on
    return found


async def unresolved_communities(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                                 consistency_token: ConsistencyToken = None) -> list[UnresolvedCommunity]:
    found = await info.context.query("unresolved_communities", {"station_id": station_id}, consistency_token)
    return [UnresolvedCommunity(station_id=strawberry.ID(r["station_id"]), community=r["community"],
                                used_in=CommunityUse(r["kind"]), records=r["records"]) for r in found["unresolved"]]


async def organisations(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                        community: str | None = None, type: OrganisationType | None = None,
                        status: OrganisationStatus | None = None, first: int = 20, after: str | None = None,
                        consistency_token: ConsistencyToken = None,
                        community_id: strawberry.ID | None = None) -> Connection[Organisation]:
    page = await info.context.query("organisations", {
        "station_id": station_id, "community": community, "community_id": community_id, "type": type,
        "status": status, "first": first, "after": after}, consistency_token)
    return page_of(page, Organisation.from_row)


async def organisation_counts(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                              consistency_token: ConsistencyToken = None) -> list[OrganisationCount]:
    found = await info.context.query("organisation_counts", {"station_id": station_id}, consistency_token)
    return [OrganisationCount(station_id=strawberry.ID(r["station_id"]), community=r["community"],
                              community_id=community_id_of(r), type=OrganisationType(r["type"]),
                              total=r["total"], filed=r["filed"])
            for r in found["counts"]]


async def compound_issues(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                          compound_id: strawberry.ID | None = None, open_only: bool = False,
                          as_of: Annotated[date | None, strawberry.argument(
                              description="The day `overdue` is judged on (default today)")] = None,
                          first: int = 20, after: str | None = None,
                          consistency_token: ConsistencyToken = None) -> Connection[CompoundIssue]:
    page = await info.context.query("compound_issues", {
        "station_id": station_id, "compound_id": compound_id, "open_only": open_only,
        "as_of": as_of and as_of.isoformat(), "first": first, "after": after}, consistency_token)
    return page_of(page, CompoundIssue.from_row)


async def joint_meetings(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                         compound_id: strawberry.ID | None = None,
                         consistency_token: ConsistencyToken = None) -> list[JointMeeting]:
    found = await info.context.query("joint_meetings", {"station_id": station_id, "compound_id": compound_id},
                                     consistency_token)
    return [JointMeeting.from_row(r) for r in found["meetings"]]


async def work_report(info: strawberry.Info[Context, None], station_id: strawberry.ID, kind: ReportKind,
                      period_start: date, consistency_token: ConsistencyToken = None) -> WorkReport:
    found = await info.context.query("work_report", {"station_id": str(station_id), "kind": kind.value,
                                                     "period_start": period_start.isoformat()}, consistency_token)
    return WorkReport.from_answer(found)


async def volunteer_teams(info: strawberry.Info[Context, None], station_id: strawberry.ID | None = None,
                          consistency_token: ConsistencyToken = None) -> list[VolunteerTeam]:
    found = await info.context.query("volunteer_teams", {"station_id": station_id}, consistency_token)
    return [VolunteerTeam.from_row(r) for r in found["teams"]]
