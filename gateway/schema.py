"""The GraphQL schema: composes the queries and mutations, and the limits every request runs under."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.schema.schema import StreamResult
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.execution import PreExecutionError

from gateway.budget import PENALTY, charge
from gateway.consistency import ConsistencyReport
from gateway.cost import CostLimit
from gateway.document_cache import CachedDocuments
from gateway.errors.translate import BilingualErrors
from gateway.extension_hooks import KnownHooksRunner
from gateway.guards import HideSchemaFromAnonymous, MaskInternalErrors, correlation_id, is_unexpected
from gateway.imports.resolvers import commit_import, import_status, import_template, imports, preview_import
from gateway.input_guard import InputGuard
from gateway.metrics import OperationMetrics
from gateway.mutations.case_stages import (
    acknowledge_urgent_risk,
    approve_case_closing,
    approve_service_plan,
    assess_case,
    draft_service_plan,
    evaluate_case,
    record_referral_feedback,
    refer_case,
    reopen_case,
    request_case_closing,
    return_case_closing,
    return_service_plan,
    submit_service_plan,
    transfer_case,
)
from gateway.mutations.erase_recipient import erase_recipient
from gateway.mutations.export import (
    export_case_list,
    export_district_month,
    export_project_outputs,
    export_station_month,
    export_volunteer_certificate,
)
from gateway.mutations.merge_recipients import merge_recipients
from gateway.mutations.open_case import open_case
from gateway.mutations.record_case_session import record_case_session
from gateway.mutations.register_recipient import register_recipient, update_recipient
from gateway.mutations.station_work import (
    add_compound,
    add_group_member,
    award_contract,
    change_group_leaders,
    change_group_phase,
    change_organisation_status,
    close_group,
    close_station,
    designate_volunteer_leader,
    erase_volunteer,
    file_organisation,
    follow_up_supervision_action,
    form_volunteer_team,
    hold_joint_meeting,
    join_staff,
    join_volunteer_team,
    map_resource,
    move_staff,
    plan_group,
    progress_issue,
    record_activity,
    record_group_feedback,
    record_group_session,
    record_organisation_activity,
    record_organisation_milestone,
    record_project_meeting,
    record_publicity,
    record_qualification,
    record_supervision,
    record_survey,
    record_training,
    record_volunteer_service,
    register_operator,
    register_organisation,
    register_volunteer,
    set_station_targets,
    set_up_governance,
    staff_leaves,
    start_project,
    submit_work_report,
    use_resource,
)
from gateway.mutations.transfer_worker_cases import transfer_worker_cases
from gateway.node.resolvers import node, nodes
from gateway.persisted import PersistedQueries, Resolved
from gateway.places.mutations import add_community, open_station, register_street
from gateway.places.queries import communities, community, compounds, streets
from gateway.queries.case import case
from gateway.queries.caseload import case_breakdown, caseload, overdue
from gateway.queries.cases import cases
from gateway.queries.find_recipients import find_recipients
from gateway.queries.me import me
from gateway.queries.recipient import recipient
from gateway.queries.recipients import recipients
from gateway.queries.sensitive_data_reads import (
    recipient_searches,
    sensitive_data_reads,
    volunteer_data_reads,
    volunteer_searches,
)
from gateway.queries.station_month import station_month
from gateway.queries.station_work import (
    activities,
    compound_issues,
    district_overview,
    group,
    groups,
    joint_meetings,
    monthly_compliance,
    organisation_counts,
    organisations,
    person_times,
    project,
    project_meetings,
    projects,
    publicity,
    resources,
    staff,
    station_dashboard,
    supervisions,
    surveys,
    unresolved_communities,
    volunteer,
    volunteer_teams,
    volunteers,
    work_report,
)
from gateway.queries.stations import operators, stations
from gateway.queries.system_status import read_models, system_status
from gateway.read_after_write.query import merge_consistency_tokens
from gateway.refusals import refusal
from gateway.regions.queries import region_overview
from gateway.street_meetings.mutations import hold_street_meeting
from gateway.street_meetings.queries import street_meetings
from gateway.subscriptions.feed import Subscription
from gateway.types.errors import ERROR_TYPES
from gateway.volunteer_search.queries import find_volunteers
from gateway.working_calendar.mutations import correct_working_year, declare_working_year
from gateway.working_calendar.queries import working_calendar


@strawberry.type
class Query:
    me = strawberry.field(resolver=me, description="The caller")
    node = strawberry.field(resolver=node, description="Any object by its global id (Relay); null if not yours")
    nodes = strawberry.field(resolver=nodes, description="Objects by their global ids, at most 100, in order")
    stations = strawberry.field(resolver=stations, description="The stations the caller may see")
    operators = strawberry.field(resolver=operators, description="运营机构 and their contracts")
    streets = strawberry.field(resolver=streets, description="街道 with their official codes and open station")
    communities = strawberry.field(resolver=communities,
                                   description="社区 and 村 of a street, a station's street, or every street seen")
    community = strawberry.field(resolver=community, description="The street's community a name or a 12-digit "
                                                                 "code names (unknown_community if none)")
    compounds = strawberry.field(resolver=compounds, description="小区 of a station's street, with their community")
    system_status = strawberry.field(resolver=system_status,
                                     description="Operators: each consumer's lag and parked events")
    read_models = strawberry.field(resolver=read_models,
                                   description="Operators: each read model's version, and a rebuild under way")
    case = strawberry.field(resolver=case, description="One case, if the caller may see it")
    recipients = strawberry.field(resolver=recipients, description="服务对象, newest first, as a Relay connection")
    recipient = strawberry.field(resolver=recipient, description="服务对象: masked; with purpose, unmasked and audited")
    find_recipients = strawberry.field(resolver=find_recipients,
                                       description="查找服务对象 by name part, ID number or phone: at most 20, at the "
                                                   "caller's stations; masked unless a purpose is given; audited")
    sensitive_data_reads = strawberry.field(resolver=sensitive_data_reads,
                                            description="The audit of unmasked reads (bureau, directors, heads)")
    volunteer_data_reads = strawberry.field(resolver=volunteer_data_reads,
                                            description="The audit of unmasked reads of volunteers' data (as above)")
    recipient_searches = strawberry.field(resolver=recipient_searches,
                                          description="The audit of every findRecipients, found or not (as above)")
    volunteer_searches = strawberry.field(resolver=volunteer_searches,
                                          description="The audit of every findVolunteers, found or not (as above)")
    cases = strawberry.field(resolver=cases, description="Cases, newest first, as a Relay connection")
    station_month = strawberry.field(resolver=station_month, description="A station's month of case work")
    station_dashboard = strawberry.field(resolver=station_dashboard,
                                         description="社工站看板: a station's month and year, targets and projects")
    district_overview = strawberry.field(resolver=district_overview,
                                         description="区级总览: every station's figures and the district's")
    region_overview = strawberry.field(
        resolver=region_overview,
        description="省、市、区级总览: a province's cities, a city's districts or a district's stations, with the"
                    " region's totals (distinct people once)")
    person_times = strawberry.field(resolver=person_times,
                                    description="人次 by month, station, community, project, kind and reach")
    projects = strawberry.field(resolver=projects, description="项目, newest first, with their progress")
    project = strawberry.field(resolver=project, description="One project, with its progress")
    groups = strawberry.field(resolver=groups, description="小组, newest first, as a Relay connection")
    group = strawberry.field(resolver=group, description="One group, with its sessions")
    activities = strawberry.field(resolver=activities, description="社区活动, newest first, as a Relay connection")
    publicity = strawberry.field(resolver=publicity, description="宣传, latest first")
    surveys = strawberry.field(resolver=surveys, description="调研 campaigns, latest first")
    staff = strawberry.field(resolver=staff, description="社工站人员 with their qualifications")
    resources = strawberry.field(resolver=resources, description="资源图 with what used each resource")
    supervisions = strawberry.field(resolver=supervisions, description="督导 with agreed actions and follow-up")
    project_meetings = strawberry.field(resolver=project_meetings, description="项目推进会, offline and online")
    volunteers = strawberry.field(resolver=volunteers, description="志愿者 with hours, teams and trainings")
    find_volunteers = strawberry.field(
        resolver=find_volunteers, description="查找志愿者 by part of the name, ID number or phone in the caller's "
                                              "stations: masked unless a purpose is said; every search is audited")
    volunteer_teams = strawberry.field(resolver=volunteer_teams, description="志愿服务队 with members and leaders")
    volunteer = strawberry.field(resolver=volunteer, description="One volunteer, with their certificate data: "
                                                                 "masked; with purpose, unmasked and audited")
    organisations = strawberry.field(resolver=organisations, description="社区社会组织 with their path and activities")
    organisation_counts = strawberry.field(resolver=organisation_counts,
                                           description="Organisations per community and type, all and filed")
    unresolved_communities = strawberry.field(
        resolver=unresolved_communities,
        description="Community texts in use that name no community of their station's street, by kind of record")
    compound_issues = strawberry.field(resolver=compound_issues, description="小区议题, overdue ones flagged")
    joint_meetings = strawberry.field(resolver=joint_meetings, description="联席会议 of compounds")
    street_meetings = strawberry.field(resolver=street_meetings,
                                       description="街道层面会议: 社会组织沙龙 and the street's joint meetings")
    work_report = strawberry.field(resolver=work_report,
                                   description="三报: a station's report for a period, its versions and differences")
    monthly_compliance = strawberry.field(resolver=monthly_compliance,
                                          description="一督二会: each station's month, and what is missing")
    case_breakdown = strawberry.field(resolver=case_breakdown,
                                      description="Each station's cases by stage, risk level and category")
    caseload = strawberry.field(resolver=caseload, description="Each worker's open cases, urgent and overdue")
    overdue = strawberry.field(resolver=overdue,
                               description="No session for 30 days; plans or closings awaiting approval over 7 days")
    merge_consistency_tokens = strawberry.field(
        resolver=merge_consistency_tokens, description="One token of the tokens of writes made side by side")
    working_calendar = strawberry.field(
        resolver=working_calendar, description="工作日历: a year's days and where each comes from (bureau or package)")
    import_status = strawberry.field(resolver=import_status, description="导入进度: rows done, counts, refused rows")
    imports = strawberry.field(resolver=imports, description="A station's imports, newest first, half-done ones too")


@strawberry.type
class Mutation:
    register_recipient = strawberry.mutation(resolver=register_recipient, description="登记服务对象")
    update_recipient = strawberry.mutation(resolver=update_recipient, description="修改服务对象信息")
    merge_recipients = strawberry.mutation(resolver=merge_recipients, description="合并重复登记的服务对象")
    erase_recipient = strawberry.mutation(resolver=erase_recipient, description="删除服务对象个人信息")
    open_case = strawberry.mutation(resolver=open_case, description="接案 Take in a case")
    record_case_session = strawberry.mutation(resolver=record_case_session, description="记录个案服务")
    assess_case = strawberry.mutation(resolver=assess_case, description="预估 Assess a case")
    draft_service_plan = strawberry.mutation(resolver=draft_service_plan,
                                             description="制定/修订服务计划 (a new version)")
    submit_service_plan = strawberry.mutation(resolver=submit_service_plan, description="提交服务计划审批")
    approve_service_plan = strawberry.mutation(resolver=approve_service_plan,
                                               description="审批通过 (station head or supervisor)")
    return_service_plan = strawberry.mutation(resolver=return_service_plan, description="退回修改, with a comment")
    evaluate_case = strawberry.mutation(resolver=evaluate_case, description="评估 every goal of the plan in force")
    request_case_closing = strawberry.mutation(resolver=request_case_closing,
                                               description="申请结案: closes once approved")
    approve_case_closing = strawberry.mutation(resolver=approve_case_closing,
                                               description="批准结案 (station head or supervisor): the case closes")
    return_case_closing = strawberry.mutation(resolver=return_case_closing,
                                              description="退回结案申请, with a comment: the case stays open")
    reopen_case = strawberry.mutation(resolver=reopen_case, description="重新开案: a closed case reopened")
    transfer_case = strawberry.mutation(resolver=transfer_case, description="移交给本站另一位社工 (station head)")
    transfer_worker_cases = strawberry.mutation(resolver=transfer_worker_cases,
                                                description="社工离职: all their open cases to another worker")
    refer_case = strawberry.mutation(resolver=refer_case, description="转介 to an agency, with consent")
    record_referral_feedback = strawberry.mutation(resolver=record_referral_feedback, description="转介反馈")
    join_staff = strawberry.mutation(resolver=join_staff, description="人员入职 (project director or station head)")
    record_qualification = strawberry.mutation(resolver=record_qualification, description="资质证书")
    move_staff = strawberry.mutation(resolver=move_staff, description="调站: open work handed over first")
    staff_leaves = strawberry.mutation(resolver=staff_leaves, description="离职: open work handed over first")
    register_street = strawberry.mutation(resolver=register_street,
                                          description="登记街道 with its GB/T 2260 and division codes (the bureau)")
    add_community = strawberry.mutation(resolver=add_community, description="社区/村 with its code (the bureau)")
    open_station = strawberry.mutation(resolver=open_station, description="开设社工站 in a street (the bureau)")
    close_station = strawberry.mutation(resolver=close_station, description="关闭社工站 (the bureau)")
    add_compound = strawberry.mutation(resolver=add_compound, description="小区 (the bureau)")
    register_operator = strawberry.mutation(resolver=register_operator, description="运营机构 (the bureau)")
    award_contract = strawberry.mutation(resolver=award_contract,
                                         description="运营合同: streets and period (the bureau)")
    register_volunteer = strawberry.mutation(resolver=register_volunteer, description="志愿者登记")
    record_volunteer_service = strawberry.mutation(resolver=record_volunteer_service,
                                                   description="志愿服务记录 (late after 10 working days)")
    designate_volunteer_leader = strawberry.mutation(resolver=designate_volunteer_leader, description="志愿领袖")
    erase_volunteer = strawberry.mutation(resolver=erase_volunteer, description="删除志愿者个人信息")
    form_volunteer_team = strawberry.mutation(resolver=form_volunteer_team, description="志愿服务队")
    join_volunteer_team = strawberry.mutation(resolver=join_volunteer_team, description="加入志愿服务队")
    record_training = strawberry.mutation(resolver=record_training, description="志愿者培训")
    register_organisation = strawberry.mutation(resolver=register_organisation, description="社区社会组织")
    record_organisation_milestone = strawberry.mutation(resolver=record_organisation_milestone,
                                                        description="培育节点")
    file_organisation = strawberry.mutation(resolver=file_organisation, description="备案 (milestones first)")
    change_organisation_status = strawberry.mutation(resolver=change_organisation_status,
                                                     description="活跃, 休眠, 解散")
    record_organisation_activity = strawberry.mutation(resolver=record_organisation_activity,
                                                       description="社会组织自办活动")
    set_up_governance = strawberry.mutation(resolver=set_up_governance, description="小区自治架构")
    hold_joint_meeting = strawberry.mutation(resolver=hold_joint_meeting, description="联席会议")
    progress_issue = strawberry.mutation(resolver=progress_issue, description="议题跟进、解决或上报")
    hold_street_meeting = strawberry.mutation(resolver=hold_street_meeting,
                                              description="街道层面会议: 社会组织沙龙 or the street's joint meeting")
    submit_work_report = strawberry.mutation(resolver=submit_work_report,
                                             description="提交日报/周报/月报 (locks it; resubmit with a reason)")
    record_supervision = strawberry.mutation(resolver=record_supervision, description="督导记录")
    follow_up_supervision_action = strawberry.mutation(resolver=follow_up_supervision_action,
                                                       description="督导行动跟进")
    record_project_meeting = strawberry.mutation(resolver=record_project_meeting, description="项目推进会")
    map_resource = strawberry.mutation(resolver=map_resource, description="资源图: add a resource")
    use_resource = strawberry.mutation(resolver=use_resource, description="A project or activity used a resource")
    export_station_month = strawberry.mutation(resolver=export_station_month,
                                               description="月报导出 XLSX/CSV: a short-lived download link")
    export_district_month = strawberry.mutation(resolver=export_district_month,
                                                description="区级月度汇总导出 XLSX/CSV: stations and the district")
    export_case_list = strawberry.mutation(resolver=export_case_list,
                                           description="个案清单导出 XLSX/CSV, personal data masked")
    export_volunteer_certificate = strawberry.mutation(resolver=export_volunteer_certificate,
                                                       description="志愿服务证明导出 XLSX/CSV")
    export_project_outputs = strawberry.mutation(resolver=export_project_outputs,
                                                 description="项目产出导出 XLSX/CSV: plan, groups, activities")
    set_station_targets = strawberry.mutation(resolver=set_station_targets,
                                              description="年度目标 (the bureau): e.g. at least 2 projects")
    start_project = strawberry.mutation(resolver=start_project, description="立项 Start a project")
    plan_group = strawberry.mutation(resolver=plan_group, description="筹备小组 Plan a group")
    add_group_member = strawberry.mutation(resolver=add_group_member, description="小组组员")
    change_group_leaders = strawberry.mutation(resolver=change_group_leaders,
                                               description="移交小组 to other leaders")
    change_group_phase = strawberry.mutation(resolver=change_group_phase, description="小组阶段 (forward only)")
    record_group_session = strawberry.mutation(resolver=record_group_session,
                                               description="小组活动记录 with sign-in")
    record_group_feedback = strawberry.mutation(resolver=record_group_feedback, description="反馈表")
    close_group = strawberry.mutation(resolver=close_group, description="结束小组, with a summary")
    record_activity = strawberry.mutation(resolver=record_activity, description="社区活动")
    record_publicity = strawberry.mutation(resolver=record_publicity, description="宣传报道")
    record_survey = strawberry.mutation(resolver=record_survey, description="需求调研")
    acknowledge_urgent_risk = strawberry.mutation(resolver=acknowledge_urgent_risk,
                                                  description="接手紧急风险个案 (station head or supervisor)")
    declare_working_year = strawberry.mutation(
        resolver=declare_working_year, description="声明某年节假日与调休 (the bureau): wins over the package")
    correct_working_year = strawberry.mutation(
        resolver=correct_working_year, description="更正某年的节假日与调休安排 (the bureau), with a reason")
    import_template = strawberry.mutation(resolver=import_template,
                                          description="导入模板 XLSX: headers, an example row, each column's rules")
    preview_import = strawberry.mutation(resolver=preview_import,
                                         description="导入预览 (multipart upload): rows' problems, nothing written")
    commit_import = strawberry.mutation(resolver=commit_import,
                                        description="导入 (multipart upload) in batches; the same file resumes")


MAX_QUERY_CHARS = 32_768
"""The longest document read at all: lexing costs time even for comments, which no token limit counts."""
LOG = logging.getLogger("hemiao.gateway")


def query_too_long(length: int) -> GraphQLError:
    return refusal("query_too_large", f"查询文本过长（{length} 个字符），上限为 {MAX_QUERY_CHARS} 个字符",
                   f"The query document is {length} characters long, over the limit of {MAX_QUERY_CHARS}",
                   length=length, limit=MAX_QUERY_CHARS)


def persisted_document(query: str | None, kwargs: dict[str, Any]) -> tuple[PersistedQueries | None,
                                                                         Resolved | GraphQLError]:
    """The document a request runs (a persisted query's, when it sent a hash), or why it runs none."""
    persisted: PersistedQueries | None = getattr(kwargs.get("context_value"), "persisted", None)
    if persisted is None:
        return None, Resolved(query)
    return persisted, persisted.resolve(query, kwargs.get("operation_extensions"), kwargs.get("operation_name"))


async def refused_stream(error: GraphQLError) -> AsyncGenerator[PreExecutionError, None]:
    yield PreExecutionError(data=None, errors=[error])


class HemiaoSchema(strawberry.Schema):
    """Runs a persisted query's document (gateway/persisted); refuses an overlong document before parsing it;
    logs only what an operator must look at, with the correlation id the caller was told (not the refusals users
    are told about)."""

    async def execute(self, query: str | None = None, *args: Any, **kwargs: Any) -> ExecutionResult:
        persisted, resolved = persisted_document(query, kwargs)
        if isinstance(resolved, GraphQLError):
            return ExecutionResult(data=None, errors=[resolved])
        query = resolved.document
        if query is not None and len(query) > MAX_QUERY_CHARS:
            request = getattr(kwargs.get("context_value"), "request", None)
            if request is not None:
                charge(request.scope, PENALTY)
            return ExecutionResult(data=None, errors=[query_too_long(len(query))])
        result = await super().execute(query, *args, **kwargs)
        if persisted is not None and resolved.remember_as and query and not isinstance(result, PreExecutionError):
            persisted.remember(resolved.remember_as, query)  # only a document that parsed and validated
        return result

    async def stream(self, query: str | None = None, *args: Any, **kwargs: Any) -> StreamResult:
        """Over the WebSocket (which runs any operation) the allow-list and the length limit hold as over HTTP."""
        _, resolved = persisted_document(query, kwargs)
        if isinstance(resolved, GraphQLError):
            return refused_stream(resolved)
        if resolved.document is not None and len(resolved.document) > MAX_QUERY_CHARS:
            return refused_stream(query_too_long(len(resolved.document)))
        return await super().stream(resolved.document, *args, **kwargs)

    def create_extensions_runner(self, execution_context: ExecutionContext,
                                 extensions: list[SchemaExtension]) -> SchemaExtensionsRunner:
        """Strawberry's runner, with each extension class's hooks looked up once (gateway/extension_hooks)."""
        return KnownHooksRunner(execution_context=execution_context, extensions=extensions)

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        for error in errors:
            if is_unexpected(error):
                LOG.error("unexpected error (correlation id %s): %s",
                          correlation_id(execution_context.context if execution_context else None), error.message,
                          exc_info=error.original_error)


LIMIT_RULES = (*QueryDepthLimiter(max_depth=10).validation_rules,
               *MaxAliasesLimiter(max_alias_count=30).validation_rules)
"""The depth and alias limits' rules, made once: strawberry's limiters make a new rule class per request, which
cost a class build each and made every request's rules differ (so no validation outcome could be kept)."""


class LimitRules(AddValidationRules):
    """The depth and alias limits (QueryDepthLimiter, MaxAliasesLimiter) with rules made once."""

    def __init__(self) -> None:
        super().__init__(list(LIMIT_RULES))


EXTENSIONS: list[Callable[[], SchemaExtension]] = [
    OperationMetrics,
    ConsistencyReport,
    InputGuard,
    LimitRules,
    lambda: MaxTokensLimiter(max_token_count=2000),
    CostLimit,
    HideSchemaFromAnonymous,
    BilingualErrors,  # after every extension that adds validation rules; its answers pass MaskInternalErrors
    MaskInternalErrors,
    CachedDocuments,  # last: it keeps the validation outcome of the rules all the others have set
]
"""Every request's extensions, each made anew per request (a class or a factory): add one by appending."""

schema = HemiaoSchema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=list(ERROR_TYPES),
    extensions=EXTENSIONS,
)
